"""Safety: crisis language in what a person writes (`crisis`) and the crisis lines to show
for their country (`resources`). Pure: imports neither Telegram nor the database."""
