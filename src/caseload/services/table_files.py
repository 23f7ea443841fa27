"""CSV files and workbooks for the web and the command line. They are written by the one writer,
:mod:`caseload.exporters.tables`, which neutralises every cell a spreadsheet could run as a
formula; pages and commands reach it here (they do not import the exporters directly)."""

from caseload.exporters.tables import Cell as Cell
from caseload.exporters.tables import csv_string as csv_string
from caseload.exporters.tables import frame_csv as frame_csv
from caseload.exporters.tables import neutralise as neutralise
from caseload.exporters.tables import write_csv as write_csv
from caseload.exporters.tables import write_frame_csv as write_frame_csv
from caseload.exporters.tables import write_frame_xlsx as write_frame_xlsx
from caseload.exporters.tables import write_frames_xlsx as write_frames_xlsx
from caseload.exporters.tables import write_xlsx as write_xlsx
