using ILGPU;
using ILGPU.Runtime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>
/// What every sampler must do, in the spirit of diffusers' common scheduler tests: a config round trip, the next
/// timestep taken from the list, a final step that returns x̂0, results independent of batch, shard and micro-batch,
/// and every step of a run through the fused kernel against the derived class's own float64 formula. Derived classes
/// name the sampler, the configs and the formula, and add their goldens.
/// </summary>
public abstract class SamplerContractTests<T> where T : ISampler
{
    private const ulong Seed = 99;
    private static readonly (int N, int SampleSize)[] OddSizes = [(1, 1), (17, 17), (1025, 41), (8197, 8197)];

    /// <summary>
    /// One step's expected result, x̂0 and corrected x (null: no corrector, x itself), each with the sum of the magnitudes
    /// of its terms (what float32 rounding scales with).
    /// </summary>
    protected readonly record struct StepReference(double Next, double NextScale, double X0, double X0Scale, double? Corrected = null, double CorrectedScale = 0);

    /// <summary>What earlier steps of the run left: the previous x̂0, the one before it and the previous corrected x (NaN where no step did).</summary>
    protected readonly record struct StepHistory(double PrevX0, double OlderX0, double Last);

    /// <summary>The sampler as the product makes it from a config.</summary>
    protected abstract T Create(SchedulerConfig config);

    /// <summary>Configs (scheduler_config.json text) and step counts the contract is checked over.</summary>
    protected abstract IEnumerable<(string Json, int Steps)> Cases { get; }

    /// <summary>A config whose last step returns x̂0.</summary>
    protected abstract string FinalStepConfig { get; }

    /// <summary>The η values to check.</summary>
    protected virtual IEnumerable<double> Etas => [0.0];

    /// <summary>
    /// Step <paramref name="index"/> of <paramref name="run"/> for one element, written out from reference.md in float64
    /// without the sampler's code. <paramref name="history"/> holds what earlier steps left (NaN where none did),
    /// <paramref name="z"/> the step's standard-normal draw.
    /// </summary>
    protected abstract StepReference Reference(SchedulerConfig config, NoiseSchedule schedule, SamplingSchedule run, int index, double eta,
        double x, double output, StepHistory history, double z);

    private (T Sampler, NoiseSchedule Schedule, SchedulerConfig Config) Open(string json)
    {
        var cfg = SchedulerConfig.Parse(json);
        return (Create(cfg), new NoiseSchedule(cfg), cfg);
    }

    [Fact]
    public void ConfigRoundTripGivesTheSameScheduleAndCoefficients()
    {
        foreach (var (json, steps) in Cases)
        {
            var (a, sa, cfg) = Open(json);
            var again = SchedulerConfig.Parse(cfg.SourceJson);
            var b = Create(again);
            var byName = Samplers.Create(a.Name, again);
            Assert.IsType<T>(byName);
            var sb = new NoiseSchedule(again);
            foreach (var strength in new[] { 1.0, 0.5 })
            {
                var ra = a.Timesteps(sa, steps).Tail(strength);
                var rb = b.Timesteps(sb, steps).Tail(strength);
                var rn = byName.Timesteps(sb, steps).Tail(strength);
                foreach (var r in new[] { rb, rn })
                {
                    Assert.Equal(ra.Timesteps, r.Timesteps);
                    Assert.Equal(ra.Sigmas, r.Sigmas);
                    Assert.Equal(ra.FullCount, r.FullCount);
                }
                for (int i = 0; i < ra.Count; i++)
                    foreach (var eta in Etas)
                    {
                        Assert.Equal(a.Coefficients(sa, ra, i, eta), b.Coefficients(sb, rb, i, eta));
                        Assert.Equal(a.Coefficients(sa, ra, i, eta), byName.Coefficients(sb, rn, i, eta));
                    }
            }
        }
    }

    [Theory]
    [InlineData("trailing")]
    [InlineData("linspace")]
    public void NextTimestepIsTakenFromTheList(string spacing)
    {
        // With x_t = α_t x0 and a perfect ε-model (output 0, every x̂0 = x0) one step gives exactly (signal scale of
        // the next level) · x0, so the coefficients show which level the step aims at.
        var (sampler, schedule, cfg) = Open($$"""{"timestep_spacing": "{{spacing}}"}""");
        const int n = 7;
        var run = sampler.Timesteps(schedule, n);
        int stride = cfg.NumTrainTimesteps / n;
        Assert.Contains(Enumerable.Range(0, run.Count - 1), i => run[i + 1] != run[i] - stride); // t − T/N would miss
        for (int i = 0; i + 1 < run.Count; i++)
        {
            var c = sampler.Coefficients(schedule, run, i, 0);
            double alpha = SignalScale(schedule, run, i);
            // A corrector rebuilds x_t from the last x (at the previous level) and the x̂0s, all x0 here.
            double xc = c.Corrector == 0 ? alpha
                : c.CorrectorLast * SignalScale(schedule, run, i - 1) + c.CorrectorX0 + c.CorrectorPrevX0 + c.CorrectorOlderX0;
            double reached = c.X0 * (c.PredX * alpha) + c.X * xc + c.PrevX0;
            double scale = Math.Abs(c.X0 * c.PredX * alpha) + Math.Abs(c.X * xc) + Math.Abs(c.PrevX0);
            double expected = SignalScale(schedule, run, i + 1);
            Assert.True(Math.Abs(reached - expected) <= 1e-6 * scale,
                $"{spacing} step {i} ({run[i]} → {run[i + 1]}): reaches signal scale {reached:R}, the list's next level has {expected:R}");
        }
    }

    /// <summary>√ᾱ at the step's timestep, or 1/√(σ²+1) for a schedule with σ.</summary>
    private static double SignalScale(NoiseSchedule schedule, SamplingSchedule run, int index) =>
        run.Sigmas is { } s ? 1 / Math.Sqrt(s[index] * s[index] + 1) : Math.Sqrt(schedule.AlphasCumprod[run[index]]);

    [Fact]
    public void FinalStepReturnsThePrediction()
    {
        var (sampler, schedule, cfg) = Open(FinalStepConfig);
        foreach (var strength in new[] { 1.0, 0.4 })
        {
            var run = sampler.Timesteps(schedule, 10).Tail(strength);
            int last = run.Count - 1;
            var (x, o, state, ids) = Inputs(17, 17, 3);
            var c = sampler.Coefficients(schedule, run, last, 0);
            var (got, x0, _, _) = RunKernel(c, x, o, state, ids, 17, (uint)run[last]);
            for (int i = 0; i < x.Length; i++)
            {
                var r = Reference(cfg, schedule, run, last, 0, x[i], o[i], state.At(i), Z(ids[0], run[last], i));
                Assert.True(Math.Abs(got[i] - x0[i]) <= 1e-6 * (1 + Math.Abs(x0[i])), $"element {i}: result {got[i]:R}, its x̂0 {x0[i]:R}");
                Assert.True(Math.Abs(r.X0 - got[i]) <= 1e-5 * r.X0Scale, $"element {i}: result {got[i]:R}, x̂0 {r.X0:R}");
            }
        }
    }

    [Theory]
    [InlineData(StartFrom.Noise)]
    [InlineData(StartFrom.Image)]
    public void SampleResultDoesNotDependOnBatchShardOrMicroBatch(StartFrom start)
    {
        var (json, _) = Cases.First();
        var (sampler, schedule, _) = Open(json);
        var run = sampler.Timesteps(schedule, 8).Tail(start == StartFrom.Image ? 0.5 : 1.0);
        long[] alone = [5L];
        var inSeven = Enumerable.Range(2, 7).Select(i => (long)i).ToArray();   // id 5 at row 3
        var inShard = Enumerable.Range(0, 10).Select(i => 2L + 3 * i).ToArray(); // shard 2 of 3: id 5 at row 1

        float[] RunWith(IDenoiser denoiser, long[] ids, int row)
        {
            using var loop = new DiffusionLoop(CpuKernels.Get(), denoiser, schedule, sampler, 16);
            int s = denoiser.SampleSize;
            var x = ids.SelectMany(id => Enumerable.Range(0, s).Select(e => (float)Math.Sin(id + 0.1 * e))).ToArray();
            var labels = Conditioning.Classes(ids.Select(id => id % 10).ToArray(), 10);
            loop.Run(new DiffusionJob(run, ids, labels, 2024, 0.5, start), x);
            return x.AsSpan(row * s, s).ToArray();
        }

        var scaled = new ScaleByTimestepDenoiser(5 * 7);
        var reference = RunWith(scaled, alone, 0);
        Assert.Equal(reference, RunWith(scaled, inSeven, 3));
        Assert.Equal(reference, RunWith(scaled, inShard, 1));

        OnnxDenoiser Tiny(int microBatch) => new(RepoPaths.Fixture("tiny-denoiser"),
            new DenoiserOptions { Device = DeviceKind.Cpu, GuidanceScale = 2.0, Sessions = 1, MicroBatch = microBatch }, CpuKernels.Get());
        using var one = Tiny(1);
        using var many = Tiny(16);
        var onnx = RunWith(one, alone, 0);
        Assert.All(onnx, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(onnx, RunWith(many, alone, 0));
        Assert.Equal(onnx, RunWith(one, inSeven, 3));
        Assert.Equal(onnx, RunWith(many, inSeven, 3));
        Assert.Equal(onnx, RunWith(many, inShard, 1));
    }

    [Fact]
    public void EveryStepMatchesTheFloat64Formula()
    {
        foreach (var (json, steps) in Cases)
        {
            var (sampler, schedule, cfg) = Open(json);
            var full = sampler.Timesteps(schedule, steps);
            foreach (var run in new[] { full, full.Tail(0.6) })
                foreach (var eta in Etas)
                    for (int index = 0; index < run.Count; index++)
                        CheckStep(sampler, cfg, schedule, run, index, eta, json);
        }
    }

    private void CheckStep(T sampler, SchedulerConfig cfg, NoiseSchedule schedule, SamplingSchedule run, int index, double eta, string json)
    {
        var c = sampler.Coefficients(schedule, run, index, eta);
        // The loop gives a sampler only the buffers it declares, and earlier steps of the run fill them.
        Assert.False(c.ReadsPrevX0 && !sampler.State.HasFlag(SamplerState.PreviousX0), $"step {index} weighs an undeclared previous x̂0");
        Assert.False(c.ReadsOlderX0 && !sampler.State.HasFlag(SamplerState.OlderX0), $"step {index} weighs an undeclared older x̂0");
        Assert.False(c.ReadsLast && !sampler.State.HasFlag(SamplerState.LastSample), $"step {index} weighs an undeclared last sample");
        int t = run[index];
        foreach (var (n, size) in OddSizes)
        {
            var (x, o, state, ids) = Inputs(n, size, index);
            // What no earlier step of the run wrote is NaN: the kernel must not read it.
            if (index < 1)
            {
                Array.Fill(state.PrevX0, float.NaN);
                Array.Fill(state.Last, float.NaN);
            }
            if (index < 2)
                Array.Fill(state.OlderX0, float.NaN);
            var (got, x0, older, last) = RunKernel(c, x, o, state, ids, size, (uint)t);
            for (int i = 0; i < n; i++)
            {
                var r = Reference(cfg, schedule, run, index, eta, x[i], o[i], state.At(i), Z(ids[i / size], t, i % size));
                string at = $"{json} η={eta} step {index} of {run.Count} (t={t}) n={n} i={i}";
                Assert.True(Math.Abs(r.Next - got[i]) <= 1e-5 * r.NextScale + 1e-7, $"{at}: expected {r.Next:R}, got {got[i]:R}");
                Assert.True(Math.Abs(r.X0 - x0[i]) <= 1e-5 * r.X0Scale + 1e-7, $"{at}: x̂0 expected {r.X0:R}, history holds {x0[i]:R}");
                Assert.Equal(BitConverter.SingleToInt32Bits(state.PrevX0[i]), BitConverter.SingleToInt32Bits(older[i]));
                double corrected = r.Corrected ?? x[i];
                Assert.True(Math.Abs(corrected - last[i]) <= 1e-5 * r.CorrectedScale + 1e-7 * (1 + Math.Abs(corrected)),
                    $"{at}: corrected x expected {corrected:R}, last sample holds {last[i]:R}");
            }
        }
    }

    private static double Z(long id, int t, int e) => Philox.Normal(Seed, (ulong)id, (uint)t, (uint)e);

    /// <summary>The state buffers' contents before a step.</summary>
    private sealed record State(float[] PrevX0, float[] OlderX0, float[] Last)
    {
        public StepHistory At(int i) => new(PrevX0[i], OlderX0[i], Last[i]);
    }

    private static (float[] X, float[] O, State State, long[] Ids) Inputs(int n, int sampleSize, int salt)
    {
        var rng = new Random(n * 31 + salt);
        float Next() => (float)(rng.NextDouble() * 4 - 2);
        float[] Values() => Enumerable.Range(0, n).Select(_ => Next()).ToArray();
        var x = Values();
        var o = Values();
        var state = new State(Values(), Values(), Values());
        var ids = Enumerable.Range(0, n / sampleSize).Select(i => 10L + i).ToArray();
        return (x, o, state, ids);
    }

    /// <summary>
    /// One kernel step with every state buffer (a sampler that declares fewer never weighs the others, which the kernel
    /// then only overwrites): the new x and what the step left as x̂0, older x̂0 and last sample.
    /// </summary>
    private static (float[] X, float[] X0, float[] OlderX0, float[] Last) RunKernel(StepCoefficients c, float[] x, float[] o, State state,
        long[] ids, int sampleSize, uint stream)
    {
        var k = CpuKernels.Get();
        var acc = k.Device.Accelerator;
        using var xd = acc.Allocate1D(x);
        using var od = acc.Allocate1D(o);
        using var h1 = acc.Allocate1D(state.PrevX0);
        using var h2 = acc.Allocate1D(state.OlderX0);
        using var last = acc.Allocate1D(state.Last);
        using var idd = acc.Allocate1D(ids);
        k.Step(xd.View, od.View, h1.View, h2.View, last.View, idd.View, sampleSize, c, new NoiseKey(Seed, stream));
        k.Synchronize();
        return (xd.GetAsArray1D(), h1.GetAsArray1D(), h2.GetAsArray1D(), last.GetAsArray1D());
    }
}
