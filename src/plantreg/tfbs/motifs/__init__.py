"""``plantreg tfbs motifs``: attributions → TF-MoDISco patterns → PFMs (MEME, JASPAR, logos) →
TomTom matches against JASPAR CORE plants."""
