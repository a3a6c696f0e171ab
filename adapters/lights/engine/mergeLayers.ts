import { ATTRIBUTES, ATTRIBUTE_COUNT, IS_HTP, clamp01, type AttributeLevels } from '../attributes.ts';

// The order apply() reads attributes in must be ATTRIBUTES' order.
if (ATTRIBUTES.join() !== 'intensity,red,green,blue,white,amber,pan,tilt,strobe') throw new Error('mergeLayers: ATTRIBUTES changed; update apply()');

/**
 * How effects combine on one fixture. Layers are applied bottom-up in (priority, fire order); the base
 * look lies below all of them. For every attribute a layer sets:
 *
 * - a layer of HIGHER priority than whatever set the attribute so far takes it over (a strobe over a
 *   colour wash; a blackout over everything);
 * - between layers of the SAME priority, intensity merges HTP (the highest level wins) and colour,
 *   position and strobe rate merge LTP (the latest fired wins);
 * - a layer's `mix` (0..1, its fade in/out) cross-fades from the value below to its own: at 0 it is as if
 *   the layer were not there, which is how every fixture glides (or snaps) back to its base look.
 *
 * This is E1.31 (sACN) priority semantics per attribute instead of per universe.
 */
export class LayerMerge {
  /** The levels being folded (the `into` array of the last reset). */
  values: Float64Array = new Float64Array(ATTRIBUTE_COUNT);
  readonly #setBy = new Float64Array(ATTRIBUTE_COUNT);

  /** Start a fixture's fold from its base look, in `into` (the engine folds straight into the output). */
  reset(base: Float64Array, into: Float64Array = this.values): void {
    // Plain loops: TypedArray#set/#fill cost more than nine copies (this runs per fixture per frame).
    this.values = into;
    const values = into;
    const setBy = this.#setBy;
    for (let i = 0; i < ATTRIBUTE_COUNT; i++) {
      values[i] = base[i]!;
      setBy[i] = Number.NEGATIVE_INFINITY;
    }
  }

  apply(levels: AttributeLevels, priority: number, mix: number): void {
    if (mix <= 0) return;
    // One named read per attribute (fast, monomorphic property access; this runs per fixture per layer).
    this.#merge(0, levels.intensity, priority, mix);
    this.#merge(1, levels.red, priority, mix);
    this.#merge(2, levels.green, priority, mix);
    this.#merge(3, levels.blue, priority, mix);
    this.#merge(4, levels.white, priority, mix);
    this.#merge(5, levels.amber, priority, mix);
    this.#merge(6, levels.pan, priority, mix);
    this.#merge(7, levels.tilt, priority, mix);
    this.#merge(8, levels.strobe, priority, mix);
  }

  #merge(i: number, wanted: number | undefined, priority: number, mix: number): void {
    if (wanted === undefined || wanted !== wanted) return; // unset or NaN
    const level = clamp01(wanted);
    const values = this.values;
    const current = values[i]!;
    if (IS_HTP[i] && this.#setBy[i] === priority && level <= current) {
      // HTP between equals: a lower level changes nothing.
    } else {
      values[i] = mix >= 1 ? level : current + mix * (level - current);
    }
    this.#setBy[i] = priority;
  }
}
