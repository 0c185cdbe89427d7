process PREP_CHECK_NAMES {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(fasta), path(fai)
    path peaks, stageAs: 'peaks/*/*'
    path bigwigs, stageAs: 'signal/*/*'
    path gff
    path name_map

    output:
    tuple val(meta), path("${prefix}.report.tsv"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def peak_args = [peaks].flatten().collect { peak -> "--peaks ${peak}" }.join(' ')
    def bigwig_args = [bigwigs].flatten().collect { bigwig -> "--bigwig ${bigwig}" }.join(' ')
    def gff_arg = gff ? "--gff ${gff}" : ''
    def name_map_arg = name_map ? "--name-map ${name_map}" : ''
    """
    plantreg prep check-names \\
        --fasta ${fasta} \\
        ${peak_args} \\
        ${bigwig_args} \\
        ${gff_arg} \\
        ${name_map_arg} \\
        --out-report ${prefix}.report.tsv \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.report.tsv
    """
}
