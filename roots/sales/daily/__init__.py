"""The OEC daily board (日清), a package of the sales app with the app's rooms: `selectors`
(reads, the board's days), `services` (the build, own tasks, the day's end), `lifecycles`
(the steps of an item), `api`, `views`, `urls`, `tasks`. docs/daily-board.md has the rules."""
