//! A crate calling every operation of the keeper spec through progenitor's generated
//! client (its default, positional interface).

use progenitor_progenitor_keeper_json::{Client, Error, types};

fn report_id() -> types::ReportId {
    types::ReportId {
        host: "host".into(),
        job: "job".into(),
        pid: 1,
        time: chrono::DateTime::UNIX_EPOCH,
        uuid: "uuid".into(),
    }
}

/// Calls each of the six operations once.
pub async fn call_every_operation(client: &Client, token: &str) -> Result<usize, Error<()>> {
    client
        .enrol(
            token,
            &types::EnrolBody {
                host: "host".into(),
                key: "key".into(),
            },
        )
        .await?;
    let jobs = client.global_jobs(token).await?.into_inner();
    let ping = client.ping(token).await?.into_inner();
    let finished = client
        .report_finish(
            token,
            &types::ReportFinishBody {
                duration_millis: 10,
                end_time: chrono::DateTime::UNIX_EPOCH,
                exit_status: 0,
                id: report_id(),
            },
        )
        .await?
        .into_inner();
    let output = client
        .report_output(
            token,
            &types::ReportOutputBody {
                id: report_id(),
                record: types::OutputRecord {
                    msg: "line".into(),
                    stream: "stdout".into(),
                    time: chrono::DateTime::UNIX_EPOCH,
                },
            },
        )
        .await?
        .into_inner();
    let started = client
        .report_start(
            token,
            &types::ReportStartBody {
                id: report_id(),
                script: "run.sh".into(),
                start_time: chrono::DateTime::UNIX_EPOCH,
            },
        )
        .await?
        .into_inner();
    Ok(jobs.summary.len()
        + usize::from(ping.ok)
        + usize::from(finished.existed_already)
        + usize::from(output.existed_already)
        + usize::from(started.existed_already))
}
