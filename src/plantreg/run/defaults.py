"""Default parameters of every stage, in one place without imports, so that the runner, the stage
step builders and the tests share them (``nextflow.config`` holds the same values; a test keeps
them in agreement)."""

from __future__ import annotations

from typing import Any

PREPARE_DATA: dict[str, Any] = {
    "input": None,
    "fasta": None,
    "gff": None,
    "outdir": "results",
    "name_map": None,
    "window_size": 1024,
    "train_stride": 512,
    "tile_stride": 128,
    "background_ratio": 1.0,
    "max_n_fraction": 0.0,
    "min_overlap": 0.5,
    "overlap_mode": "seiplant",
    "signal_summary": "mean",
    "valid_chroms": "",
    "test_chroms": "",
    "exclude_chroms": "",
    "promoter_upstream": 2000,
    "promoter_downstream": 500,
    "seed": 0,
}

TRAIN_CHROMATIN: dict[str, Any] = {
    "chromatin_preset": "small",  # small (CPU) or full (the Sei network, GPU)
    "chromatin_epochs": 20,
    "chromatin_batch_size": 64,
    "chromatin_lr": 0.001,
    "chromatin_patience": 5,  # early stopping on the validation mean AUPRC
    "chromatin_class_weights": False,
}

CROSS_SPECIES_INFERENCE: dict[str, Any] = {
    "target_fasta": None,  # genome to paint with predictions; empty: stage skipped
    "target_truth": None,  # optional marks.tsv (mark chrom start end) of the target, for scoring
    "target_peaks": "",  # optional comma list of <MARK>*.bed peak files of the target (scoring)
    "predict_stride": 128,
    "eval_stride": 512,
}

TRAIN_COEXPRESSION: dict[str, Any] = {
    "coexpression_pairs": None,  # TSV gene_a gene_b of co-expressed pairs; empty: stage skipped
    "coexpression_hidden_pairs": None,  # optional pairs left out of the list (recovery metrics)
    "coexpression_config": None,  # optional YAML of model/training hyper-parameters
    "coexpression_no_data": "zero",  # bigWig bases without an interval: zero or nan
    "coexpression_neg_ratio": 5.0,
    "coexpression_degree_match": False,
    "coexpression_split": "genes",  # genes or chroms
    "coexpression_valid_fraction": 0.2,
    "coexpression_test_fraction": 0.2,
    "coexpression_valid_chroms": "",
    "coexpression_test_chroms": "",
    "coexpression_pseudocount": 1.0,
    "coexpression_max_missing": 0.5,
    "coexpression_window": 50,
    "coexpression_stride": 50,
    "coexpression_aggregate": "mean",
    "coexpression_vocab_size": 32,
    "coexpression_input_mode": "tokens",
    "coexpression_top_k": 50,
    "coexpression_network_top": 10000,
}

TRAIN_CONSERVATION: dict[str, Any] = {
    "conservation_axt": None,  # axtNet of A (reference) vs B; empty = stage off
    "conservation_fasta_b": None,  # genome FASTA of species B
    "conservation_input_b": None,  # samplesheet of species B (same schema as `input`)
    "conservation_states_a": "",  # comma list of ChromHMM-style state BEDs of A
    "conservation_states_b": "",
    "conservation_cage_a": None,  # CAGE-like peak matrix TSV of A (optional)
    "conservation_cage_b": None,
    "conservation_split": None,  # LECIF splitData_args.txt; empty = automatic odd/even halves
    "conservation_bin_size": 50,
    "conservation_trials": 3,  # N, random hyper-parameter search trials per half
    "conservation_ensemble": 3,  # M, ensemble members per half
    "conservation_neg_ratio": 50.0,
    "conservation_max_epochs": 30,
    "conservation_patience": 3,
    "conservation_min_epochs": 5,
    "conservation_train_size": 0,  # positives per ensemble member (random subset); 0 = all
    "conservation_valid_size": 0,  # validation positives; 0 = all
}

DEFAULTS: dict[str, Any] = {
    **PREPARE_DATA,
    **TRAIN_CHROMATIN,
    **CROSS_SPECIES_INFERENCE,
    **TRAIN_COEXPRESSION,
    **TRAIN_CONSERVATION,
}
