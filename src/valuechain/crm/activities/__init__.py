"""Activities: tasks, calls and meetings with due dates, reminders, my day, inbound e-mail."""
