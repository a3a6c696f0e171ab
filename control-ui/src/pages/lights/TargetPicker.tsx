export type TargetMode = 'all' | 'selected' | 'groups';

export interface Targets {
  mode: TargetMode;
  groups: string[];
}

interface TargetPickerProps {
  targets: Targets;
  groups: string[];
  selectedCount: number;
  onChange(targets: Targets): void;
  onClearSelection(): void;
}

/** Which fixtures a test-fire goes to: all, the lamps clicked on the stage, or groups. */
export function TargetPicker({ targets, groups, selectedCount, onChange, onClearSelection }: TargetPickerProps) {
  const toggleGroup = (group: string) => {
    const next = targets.groups.includes(group) ? targets.groups.filter((g) => g !== group) : [...targets.groups, group];
    onChange({ mode: next.length ? 'groups' : 'all', groups: next });
  };
  return (
    <div class="targets" role="group" aria-label="Fire at">
      <span class="targets-label">Fire at</span>
      <button type="button" class="chip chip--choice" aria-pressed={targets.mode === 'all'} onClick={() => onChange({ mode: 'all', groups: [] })}>
        All fixtures
      </button>
      <button
        type="button"
        class="chip chip--choice"
        aria-pressed={targets.mode === 'selected'}
        disabled={selectedCount === 0}
        title={selectedCount === 0 ? 'Click lamps on the stage to select them' : undefined}
        onClick={() => onChange({ mode: 'selected', groups: [] })}
      >
        Selected ({selectedCount})
      </button>
      {groups.map((group) => (
        <button key={group} type="button" class="chip chip--choice" aria-pressed={targets.mode === 'groups' && targets.groups.includes(group)} onClick={() => toggleGroup(group)}>
          {group}
        </button>
      ))}
      {selectedCount > 0 && (
        <button type="button" class="button button--small button--quiet" onClick={onClearSelection}>
          Clear selection
        </button>
      )}
    </div>
  );
}
