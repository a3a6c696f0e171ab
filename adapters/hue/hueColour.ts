/**
 * Colour conversions for lights that cannot show what the engine asked for: a white-ambiance light
 * asked for an xy colour shows the nearest white (its correlated colour temperature), a colour-only
 * light asked for a colour temperature shows that white as xy.
 */

/** Mireds (1e6 / kelvin) of the white nearest to a CIE 1931 xy point (McCamy's approximation). */
export function xyToMired([x, y]: readonly [number, number]): number {
  // McCamy's formula diverges where y meets the epicentre's y; such points are far from any white anyway.
  const denominator = 0.1858 - y;
  const n = Math.abs(denominator) < 1e-6 ? Math.sign(x - 0.332 || 1) * 1e6 : (x - 0.332) / denominator;
  const kelvin = 449 * n ** 3 + 3525 * n ** 2 + 6823.3 * n + 5520.33;
  return kelvin > 0 ? 1e6 / kelvin : 500;
}

/** The CIE 1931 xy point of a black body at `mired` (Kim et al. cubic fit, valid 1667-25000 K). */
export function miredToXy(mired: number): [number, number] {
  const t = Math.min(25_000, Math.max(1_667, 1e6 / mired));
  const x =
    t <= 4_000
      ? -0.2661239e9 / t ** 3 - 0.2343589e6 / t ** 2 + 0.8776956e3 / t + 0.17991
      : -3.0258469e9 / t ** 3 + 2.1070379e6 / t ** 2 + 0.2226347e3 / t + 0.24039;
  const y =
    t <= 2_222
      ? -1.1063814 * x ** 3 - 1.3481102 * x ** 2 + 2.18555832 * x - 0.20219683
      : t <= 4_000
        ? -0.9549476 * x ** 3 - 1.37418593 * x ** 2 + 2.09137015 * x - 0.16748867
        : 3.081758 * x ** 3 - 5.8733867 * x ** 2 + 3.75112997 * x - 0.37001483;
  return [Math.round(x * 10_000) / 10_000, Math.round(y * 10_000) / 10_000];
}
