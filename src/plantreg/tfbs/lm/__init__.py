"""The DNA language model of TRAIN_TFBS: tokenizer, pretraining, fine-tuning (LoRA)."""
