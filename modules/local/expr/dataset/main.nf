process EXPR_DATASET {
    tag "${meta.id}"
    label 'process_medium'

    input:
    tuple val(meta), path(fastas, stageAs: 'fasta/*/*'), path(gffs, stageAs: 'gff/*/*'), path(tables, stageAs: 'expression/*/*')
    path families

    output:
    tuple val(meta), path("${prefix}"), emit: dataset
    tuple val(meta), path("${prefix}/report.tsv"), emit: report
    tuple val(meta), path("${prefix}/targets.png"), emit: plot
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    // per species, in the species sheet's order (meta.species): --species --fasta --gff --expression,
    // then its held-out chromosomes when the sheet names them (quoted: the names are ';'-separated)
    def species_args = [meta.species, [fastas].flatten(), [gffs].flatten(), [tables].flatten(), meta.valid_chroms, meta.test_chroms]
        .transpose()
        .collect { name, fasta, gff, table, valid, test ->
            [
                "--species ${name} --fasta ${fasta} --gff ${gff} --expression ${table}",
                valid ? "--valid-chroms '${name}=${valid}'" : '',
                test ? "--test-chroms '${name}=${test}'" : ''
            ].findAll { arg -> arg }.join(' ')
        }
        .join(' ')
    def families_args = families ? "--families ${families}" : ''
    """
    plantreg expression dataset \\
        ${species_args} \\
        --outdir ${prefix} \\
        ${families_args} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/dataset.npz ${prefix}/genes.tsv ${prefix}/meta.json ${prefix}/chrom_sizes.tsv
    touch ${prefix}/scaling.json ${prefix}/report.tsv ${prefix}/targets.png
    """
}
