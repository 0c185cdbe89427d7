process CHROMATIN_PREDICT {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(fasta), path(fai)
    path model

    output:
    tuple val(meta), path("${prefix}/*.bedGraph"), emit: bedgraph
    tuple val(meta), path("${prefix}/predict.report.tsv"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def device = task.accelerator ? 'cuda' : 'cpu'
    // one chunk of PREP_CHUNKS (rebuilt from the .fai with the --chunk-size of ext.args)
    def chunk_args = meta.chunk ? "--chunk ${meta.chunk}" : ''
    """
    plantreg chromatin predict \\
        --checkpoint ${model} \\
        --fasta ${fasta} \\
        ${chunk_args} \\
        --device ${device} \\
        --threads ${task.cpus} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/stub.bedGraph ${prefix}/predict.report.tsv
    """
}
