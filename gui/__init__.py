"""The browser GUI of hnn-netpyne (``hnn-netpyne gui``; extra ``[gui]``).

The logic lives in plain classes that tests drive without a browser:
:mod:`.workspace` (which files may be read and written), :mod:`.drive_forms`
(the fields of each drive type, with units), :mod:`.state` (the model being
edited), :mod:`.runs` (runs in worker processes, progress, cancel),
:mod:`.sweeps` and :mod:`.fit_worker` (sweeps and fits in workers),
:mod:`.compare` (recorded dipoles, RMSE and correlation) and :mod:`.session`
(everything one page does). :mod:`.app` is the page, a thin Panel view on
them, with :mod:`.figures`; :mod:`.server` serves it.
"""
