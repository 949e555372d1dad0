"""People helped (帮扶对象): their record, encrypted identity, consents, scope and transfers."""
