import { render } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { offer } from '../test/fixtures';
import WaterfallChart from './WaterfallChart.svelte';

const charts = vi.hoisted(() => ({ configs: [] as unknown[], destroyed: 0 }));

vi.mock('chart.js', async (original) => {
  const actual = await original<typeof import('chart.js')>();
  class Chart {
    static register() {}
    constructor(_context: unknown, config: unknown) {
      charts.configs.push(config);
    }
    destroy() {
      charts.destroyed += 1;
    }
  }
  return { ...actual, Chart };
});

afterEach(() => vi.restoreAllMocks());

describe('WaterfallChart', () => {
  it('draws floating bars from the baseline through each contribution to the score', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({} as CanvasRenderingContext2D);
    const { unmount } = render(WaterfallChart, { offer: offer() });
    await vi.waitFor(() => expect(charts.configs).toHaveLength(1));
    const config = charts.configs.at(-1) as {
      type: string;
      data: { labels: string[]; datasets: Array<{ data: Array<[number, number]> }> };
    };
    expect(config.type).toBe('bar');
    expect(config.data.labels).toEqual(['Starting points', 'Income from SMS', 'Location', 'Installed apps', 'Score']);
    expect(config.data.datasets[0].data).toEqual([
      [0, 600],
      [600, 655],
      [655, 665],
      [665, 640],
      [0, 640],
    ]);
    unmount();
    expect(charts.destroyed).toBe(1);
  });
});
