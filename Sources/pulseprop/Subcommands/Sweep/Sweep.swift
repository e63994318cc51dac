import ArgumentParser

/// `pulseprop sweep`: studies as plans of independent runs, on this machine or a cluster.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan a study as independent runs and run it here, under Slurm or with GNU parallel.",
        discussion: """
            A plan folder holds plan.json and one folder per run (runs/<id>/: run.json with its exact \
            command line, status.json, run.log and the run's own output). Runs write only inside their \
            folder, so a filesystem shared by the nodes is all a cluster needs.
              pulseprop sweep plan table1 --data DIR --output PLAN
              pulseprop sweep run PLAN --jobs 2          # here; resumable
              pulseprop sweep slurm PLAN --submit        # a Slurm job array of the unfinished runs
              pulseprop sweep commands PLAN | parallel --sshloginfile hosts
              pulseprop sweep status PLAN
              pulseprop sweep collect PLAN               # tables and plots from what has finished
            """,
        subcommands: [SweepPlanCommand.self, SweepRunCommand.self, SweepStatus.self, SweepCollect.self,
                      SweepCommands.self, SweepSlurm.self, SweepExec.self])
}
