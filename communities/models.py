# Models arrive with this app's issue; the app exists so later work only fills it.
