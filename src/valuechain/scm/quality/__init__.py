"""Quality: Inspection plans, inspections, holds and release, defect rates."""
