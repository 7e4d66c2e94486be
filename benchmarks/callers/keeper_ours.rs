//! A crate calling every operation of the keeper spec through our generated client: what a
//! consumer writes, compiled against what consumers compile.

use ours_progenitor_keeper_json::{Client, Error, types};

fn report_id() -> types::ReportId {
    types::ReportId {
        host: "host".into(),
        job: "job".into(),
        pid: 1,
        time: "2024-01-01T00:00:00Z".into(),
        uuid: "uuid".into(),
        extra: Default::default(),
    }
}

/// Calls each of the six operations once.
pub async fn call_every_operation(client: &Client) -> Result<usize, Error> {
    client.enrol().host("host").key("key").send().await?;
    let jobs = client.global_jobs().send().await?;
    let ping = client.ping().send().await?;
    let finished = client
        .report_finish()
        .duration_millis(10)
        .end_time("2024-01-01T00:00:10Z")
        .exit_status(0)
        .id(report_id())
        .send()
        .await?;
    let output = client
        .report_output()
        .id(report_id())
        .record(types::OutputRecord {
            msg: "line".into(),
            stream: "stdout".into(),
            time: "2024-01-01T00:00:05Z".into(),
            extra: Default::default(),
        })
        .send()
        .await?;
    let started = client
        .report_start()
        .id(report_id())
        .script("run.sh")
        .start_time("2024-01-01T00:00:00Z")
        .send()
        .await?;
    Ok(jobs.summary.len()
        + usize::from(ping.ok)
        + usize::from(finished.existed_already)
        + usize::from(output.existed_already)
        + usize::from(started.existed_already))
}
