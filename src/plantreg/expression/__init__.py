"""Promoter sequence → expression level and species (TRAIN_EXPRESSION), and what drives it
(EXPLAIN): in-silico mutagenesis, occlusion, gradient×input and a CRE scan."""
