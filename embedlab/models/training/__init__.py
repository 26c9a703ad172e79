"""One training: ``fit`` trains and saves a run; ``options`` the recommended settings and their checks;
``splits`` the train/validation/test rows; ``callbacks`` progress and Stop; ``estimate`` how long it will take."""
