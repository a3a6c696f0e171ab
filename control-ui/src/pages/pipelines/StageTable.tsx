import { Fragment } from 'preact';
import type { StageStatus } from '../../../../pipelines/protocol.ts';
import { count, dropsText, millis, queueText, rate } from './format.ts';

const STATE_LABEL: Record<StageStatus['state'], string> = {
  starting: 'Starting',
  running: 'Running',
  restarting: 'Restarting',
  stopped: 'Stopped',
};

/** One row per stage and sink with its live figures; problems are spelt out under the row. */
export function StageTable({ stages, pipelineId }: { stages: StageStatus[]; pipelineId: string }) {
  return (
    <div class="pipeline-table-wrap">
      <table class="pipeline-table">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">State</th>
            <th scope="col" class="num" title="Frames in per second">
              In
            </th>
            <th scope="col" class="num" title="Frames out per second">
              Out
            </th>
            <th scope="col" class="num" title="Processing time, median of the last 512 frames">
              p50
            </th>
            <th scope="col" class="num" title="Processing time, 95th percentile of the last 512 frames">
              p95
            </th>
            <th scope="col" class="num" title="Frames over the stage's deadline">
              Late
            </th>
            <th scope="col" class="num">Dropped</th>
            <th scope="col" class="num">Errors</th>
            <th scope="col" class="num">Restarts</th>
            <th scope="col">Queue</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((stage) => (
            <Fragment key={`${stage.role}:${stage.id}`}>
              <tr
                class={`stage-row stage-row--${stage.problem ? 'problem' : 'fine'}`}
                data-testid="stage-row"
                data-pipeline={pipelineId}
                data-stage={stage.id}
                data-role={stage.role}
                data-state={stage.state}
              >
                <th scope="row">
                  <span class="stage-id">{stage.role === 'sink' ? `→ ${stage.id}` : stage.id}</span>
                  <span class="stage-type mono">{stage.type}</span>
                </th>
                <td>
                  <span class={`stage-state stage-state--${stage.state}`}>{STATE_LABEL[stage.state]}</span>
                  {stage.busyForMs !== null && stage.busyForMs > (stage.deadlineMs ?? 1000) && (
                    <span class="tag tag--critical" title="The frame in hand has been processing this long">
                      busy {millis(stage.busyForMs)}
                    </span>
                  )}
                </td>
                <td class="num" data-testid="stage-in-rate">
                  {rate(stage.inRate)}
                </td>
                <td class="num" data-testid="stage-out-rate">
                  {rate(stage.outRate)}
                </td>
                <td class="num">{millis(stage.latencyMs?.p50)}</td>
                <td class="num">{millis(stage.latencyMs?.p95)}</td>
                <td class="num" title={stage.deadlineMs === null ? 'No deadline' : `Deadline ${stage.deadlineMs} ms`}>
                  {stage.deadlineMs === null ? '—' : count(stage.deadlineMisses)}
                </td>
                <td class="num" data-testid="stage-dropped" title={dropsText(stage) || 'Nothing dropped'}>
                  {count(stage.dropped)}
                </td>
                <td class="num" data-testid="stage-errors">
                  {count(stage.errors)}
                </td>
                <td class="num" data-testid="stage-restarts">
                  {count(stage.restarts)}
                </td>
                <td class="queue mono">{stage.queues.map(queueText).join(' · ') || '—'}</td>
              </tr>
              {stage.problem && (
                <tr class="stage-problem">
                  <td colSpan={11}>
                    {stage.problem}
                    {stage.nextRestartInMs !== null && <span class="muted"> (restarting in {millis(stage.nextRestartInMs)})</span>}
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
