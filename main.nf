#!/usr/bin/env nextflow
/*
 * plantreg: learn the regulatory code of plant genomes and carry it across species.
 * Entry point only: validate the parameters, then run the graph in workflows/plantreg.nf.
 */

include { validateParameters; paramsSummaryLog } from 'plugin/nf-schema'
include { PLANTREG                            } from './workflows/plantreg'

workflow {

    main:
    validateParameters()
    log.info(paramsSummaryLog(workflow))
    checkCloudParameters(workflow.profile, params)

    PLANTREG(params.input, params.fasta, params.gff, params.name_map, params.outdir)
}

/*
 * The cloud profiles need parameters that nextflow_schema.json cannot tie to a profile.
 */
def checkCloudParameters(profile, opts) {
    def profiles = profile.tokenize(',')
    if( 'awsbatch' in profiles && !(opts.awsqueue && opts.awsregion) ) {
        error("the awsbatch profile needs --awsqueue and --awsregion")
    }
    if( 'google' in profiles && !(opts.google_project && opts.google_location) ) {
        error("the google profile needs --google_project and --google_location")
    }
}
