process PREP_PROMOTERS {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(gff)
    tuple val(meta2), path(fasta), path(fai)
    path name_map

    output:
    tuple val(meta), path("${prefix}.bed"), emit: bed
    tuple val(meta), path("${prefix}.tsv"), emit: tsv
    tuple val(meta), path("${prefix}.fa"), emit: fasta
    tuple val(meta), path("${prefix}.report.tsv"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def name_map_arg = name_map ? "--name-map ${name_map}" : ''
    """
    plantreg prep promoters \\
        --gff ${gff} \\
        --fasta ${fasta} \\
        ${name_map_arg} \\
        --out-prefix ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.bed ${prefix}.tsv ${prefix}.fa ${prefix}.report.tsv
    """
}
