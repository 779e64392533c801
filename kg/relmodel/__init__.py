"""The learned relation extractor: pair features, a logistic-regression model stored as JSON, training.

``kg.relmodel.model`` loads and applies a model (the ``relation-model@1`` extractor),
``kg.relmodel.train`` builds one from FinRE, DuIE and the rules' own confident relations
(``kg train-rel``), ``kg.relmodel.features`` describes candidate pairs.
"""
