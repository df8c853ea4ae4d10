"""The Vietnamese text toolkit: what extraction, the cleaning steps and the dump importer share.

* :mod:`pipelines.text.dates`: Vietnam time and the one grammar of a printed date;
* :mod:`pipelines.text.words`: normalising a line, folding it for comparison, word counts;
* :mod:`pipelines.text.markdown`: the Markdown that dumps and text converters leave behind.
"""
