process MULTIQC {
    tag "${meta.id}"
    label 'process_single'

    // Each stage's report files are staged where the results folder holds them (results/...):
    // `plantreg report multiqc` knows a file by its place in that layout. A stage that did not
    // run hands an empty list.
    input:
    tuple val(meta), path(params_file, stageAs: 'parameters.yaml')
    path split, stageAs: 'results/prepare_data/split/*'
    path windows, stageAs: 'results/prepare_data/windows/*'
    path promoters, stageAs: 'results/prepare_data/promoters/*'
    path chromatin, stageAs: 'results/train_chromatin/*'
    path cross_species, stageAs: 'results/cross_species_inference/*'
    path coexpression, stageAs: 'results/train_coexpression/*'
    path conservation, stageAs: 'results/train_conservation/*'
    path conservation_search, stageAs: 'results/train_conservation/search/*'
    path tfbs, stageAs: 'results/train_tfbs/*'
    path expression, stageAs: 'results/train_expression/*'
    path explain, stageAs: 'results/explain/*'

    output:
    tuple val(meta), path("${prefix}/multiqc_report.html"), emit: report
    tuple val(meta), path("${prefix}/multiqc_data"), emit: data
    tuple val(meta), path("${prefix}/custom_content"), emit: content
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg report multiqc \\
        --outdir ${prefix} \\
        --params ${params_file} \\
        ${args} \\
        ${split} ${windows} ${promoters} ${chromatin} ${cross_species} ${coexpression} \\
        ${conservation} ${conservation_search} ${tfbs} ${expression} ${explain}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}/multiqc_data ${prefix}/custom_content
    touch ${prefix}/multiqc_report.html
    """
}
