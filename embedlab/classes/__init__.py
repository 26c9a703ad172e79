"""Classes: an instructor's class code, its members, its shared test split, its board and its study.

``records`` makes, joins and loads a class; ``store`` is the run storage under it (a local folder or
``s3://``, the same ``EMBEDLAB_RUNS_DIR``); ``board`` records members' runs and reads the board;
``study`` hands a class study's cells to members' browsers. Import from the defining module.
"""
