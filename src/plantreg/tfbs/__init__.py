"""TF binding sites (TRAIN_TFBS): per-TF datasets from DAP-seq peaks, models and their motifs."""
