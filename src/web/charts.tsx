/**
 * Small hand-drawn SVG charts. Geometry uses floats (only for drawing); every number a person reads
 * comes formatted from the API's decimal strings. Each chart has a text alternative.
 */

export interface LinePoint {
  label: string
  value: number
}

export function LineChart({
  points,
  title,
  description,
}: {
  points: LinePoint[]
  title: string
  description: string
}) {
  const width = 640
  const height = 200
  const pad = 8
  if (points.length < 2)
    return <p class="muted small">The trend appears once Tally has recorded balances on more than one day.</p>
  const values = points.map((p) => p.value)
  let min = Math.min(...values)
  let max = Math.max(...values)
  if (min === max) {
    min -= 1
    max += 1
  }
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, points.length - 1)
  const y = (v: number) => pad + ((max - v) * (height - 2 * pad)) / (max - min)
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join('')
  const area = `${line}L${x(points.length - 1).toFixed(1)},${height - pad}L${x(0).toFixed(1)},${height - pad}Z`
  return (
    <svg
      class="chart line"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby="nw-title nw-desc"
      preserveAspectRatio="none"
    >
      <title id="nw-title">{title}</title>
      <desc id="nw-desc">{description}</desc>
      {min < 0 && max > 0 && <line class="zero" x1={pad} x2={width - pad} y1={y(0)} y2={y(0)} />}
      <path class="area" d={area} />
      <path class="stroke" d={line} vector-effect="non-scaling-stroke" />
    </svg>
  )
}

export interface Bar {
  label: string
  value: number
  text: string
}

/** Horizontal bars with their labels and amounts as real text (readable at any width). */
export function BarList({ bars, label }: { bars: Bar[]; label: string }) {
  const max = Math.max(...bars.map((b) => Math.abs(b.value)), 1)
  return (
    <ul class="bars" aria-label={label}>
      {bars.map((bar) => (
        <li key={bar.label}>
          <span class="bar-label">{bar.label}</span>
          <span class="bar-value">{bar.text}</span>
          <svg
            class="bar-track"
            viewBox="0 0 100 8"
            preserveAspectRatio="none"
            aria-hidden="true"
            focusable="false"
          >
            <rect
              class="bar-fill"
              x="0"
              y="0"
              height="8"
              width={Math.max(0.5, (Math.abs(bar.value) / max) * 100)}
              rx="2"
            />
          </svg>
        </li>
      ))}
    </ul>
  )
}

/** Monthly columns, e.g. spending per month; the current month is highlighted. */
export function Columns({ bars, title }: { bars: Bar[]; title: string }) {
  const width = 320
  const height = 140
  const gap = 10
  const max = Math.max(...bars.map((b) => b.value), 1)
  const barWidth = (width - gap * (bars.length + 1)) / Math.max(1, bars.length)
  return (
    <figure class="columns">
      <svg
        viewBox={`0 0 ${width} ${height + 18}`}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.text}`).join(', ')}`}
      >
        {bars.map((bar, i) => {
          const h = Math.max(1, (Math.max(0, bar.value) / max) * height)
          const x = gap + i * (barWidth + gap)
          return (
            <g key={bar.label}>
              <rect
                class={i === bars.length - 1 ? 'col current' : 'col'}
                x={x}
                y={height - h}
                width={barWidth}
                height={h}
                rx="3"
              />
              <text x={x + barWidth / 2} y={height + 14} text-anchor="middle">
                {bar.label}
              </text>
            </g>
          )
        })}
      </svg>
    </figure>
  )
}
