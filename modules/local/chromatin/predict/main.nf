process CHROMATIN_PREDICT {
    tag "${meta.id}"
    label 'process_gpu'

    container "plantreg:${workflow.manifest.version}"

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
    def chrom_args = meta.chroms ? meta.chroms.collect { chrom -> "--chrom ${chrom}" }.join(' ') : ''
    """
    plantreg chromatin predict \\
        --checkpoint ${model} \\
        --fasta ${fasta} \\
        ${chrom_args} \\
        --device ${device} \\
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
