"""The app's screens: the main reader and the help overlay."""
