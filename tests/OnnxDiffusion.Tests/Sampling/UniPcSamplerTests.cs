using System.Text.Json.Nodes;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;
using Xunit.Abstractions;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>
/// The sampler contract for UniPC (UniP predictor, UniC corrector, B(h) bh1 / bh2), with the step written out in
/// diffusers' own structure (the r_k ratios, the φ recursion for b, the ρ solve, D_k differences) rather than the
/// sampler's closed forms; diffusers' test_scheduler_unipc goldens through the ILGPU kernel on the CPU accelerator; the
/// order and corrector rules; and the values refused.
/// </summary>
[Collection("cpu-kernels")]
public class UniPcSamplerTests(ITestOutputHelper output) : SamplerContractTests<UniPcSampler>
{
    /// <summary>diffusers' test config: T 1000, linear 1e-4…0.02, order 2, bh2, final σ = σmin (lower_order_final by default).</summary>
    private const string Golden =
        """{"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear", "solver_order": 2, "solver_type": "bh2", "final_sigmas_type": "sigma_min"}""";

    protected override UniPcSampler Create(SchedulerConfig config) => (UniPcSampler)Samplers.Create("unipc", config);

    protected override IEnumerable<(string Json, int Steps)> Cases =>
    [
        ("{}", 10),
        (Golden, 10),
        ("""{"prediction_type": "v_prediction", "use_karras_sigmas": true, "final_sigmas_type": "sigma_min", "lower_order_final": false}""", 10),
        ("""{"solver_type": "bh1", "prediction_type": "sample", "timestep_spacing": "trailing", "final_sigmas_type": "sigma_min"}""", 9),
        ("""{"solver_order": 1, "timestep_spacing": "leading", "steps_offset": 1}""", 10),
        ("""{"disable_corrector": [0, 3, 4], "solver_type": "bh1", "use_karras_sigmas": true}""", 12),
        ("""{"final_sigmas_type": "sigma_min", "lower_order_final": false, "prediction_type": "v_prediction"}""", 16),
    ];

    protected override string FinalStepConfig => "{}";

    protected override StepReference Reference(SchedulerConfig config, NoiseSchedule schedule, SamplingSchedule run, int index, double eta,
        double x, double output, StepHistory history, double z)
    {
        var keys = JsonNode.Parse(config.SourceJson)!.AsObject();
        int solverOrder = (int?)keys["solver_order"] ?? 2;
        bool bh1 = ((string?)keys["solver_type"] ?? "bh2") == "bh1";
        bool lowerOrderFinal = (bool?)keys["lower_order_final"] ?? true;
        var disabled = keys["disable_corrector"]?.AsArray().Select(n => (int)n!).ToHashSet() ?? [];
        int OrderAt(int j) => Math.Min(Math.Min(solverOrder, j + 1), lowerOrderFinal ? run.Count - j : int.MaxValue);

        var sigmas = run.Sigmas!;
        (double Alpha, double S, double Lambda) Level(int i)
        {
            double sigma = sigmas[i], alpha = 1 / Math.Sqrt(sigma * sigma + 1), s = sigma * alpha;
            return (alpha, s, Math.Log(alpha) - Math.Log(s));
        }
        var (a0, s0, _) = Level(index);
        var (m0, scale) = config.PredictionType switch
        {
            PredictionType.Epsilon => ((x - s0 * output) / a0, (Math.Abs(x) + s0 * Math.Abs(output)) / a0),
            PredictionType.VPrediction => (a0 * x - s0 * output, a0 * Math.Abs(x) + s0 * Math.Abs(output)),
            _ => (output, Math.Abs(output)),
        };

        // UniC: from the previous step's corrected x over the gap index−1 → index, with the x̂0 list [.., m_{j−2}, m_{j−1}] and m_j.
        double xc = x, xcScale = Math.Abs(x);
        double? corrected = null;
        if (index > 0 && !disabled.Contains(run.FullCount - run.Count + index - 1))
        {
            int order = OrderAt(index - 1);
            var (aT, sT, lT) = Level(index);
            var (_, sS, lS) = Level(index - 1);
            double h = lT - lS;
            var (rks, d1s) = (new List<double>(), new List<double>());
            if (order == 2)
            {
                double rk = (Level(index - 2).Lambda - lS) / h;
                rks.Add(rk);
                d1s.Add((history.OlderX0 - history.PrevX0) / rk);
            }
            rks.Add(1);
            var (b, bScale) = BOf(-h, bh1);
            var rho = order == 1 ? [0.5] : Solve(rks, b(order));
            double correction = rho[^1] * (m0 - history.PrevX0);
            double correctionScale = Math.Abs(rho[^1]) * (Math.Abs(m0) + scale + Math.Abs(history.PrevX0));
            for (int k = 0; k < d1s.Count; k++)
            {
                correction += rho[k] * d1s[k];
                correctionScale += Math.Abs(rho[k] / rks[k]) * (Math.Abs(history.OlderX0) + Math.Abs(history.PrevX0));
            }
            double phi1 = Math.Exp(-h) - 1;
            xc = sT / sS * history.Last - aT * phi1 * history.PrevX0 - aT * bScale * correction;
            xcScale = Math.Abs(sT / sS * history.Last) + Math.Abs(aT * phi1 * history.PrevX0)
                      + Math.Abs(aT * bScale) * correctionScale;
            corrected = xc;
        }

        // UniP from the (corrected) x over index → index+1.
        {
            int order = OrderAt(index);
            var (aN, sN, lN) = Level(index + 1);
            var (_, sC, lC) = Level(index);
            double h = lN - lC;
            double phi1 = sigmas[index + 1] / sigmas[index] - 1; // e^{−h} − 1, exact at σ' = 0
            double next = sN / sC * xc - aN * phi1 * m0;
            double nextScale = Math.Abs(sN / sC) * (Math.Abs(xc) + xcScale) + Math.Abs(aN * phi1) * scale;
            if (order == 2 && h != 0)
            {
                double rk = (Level(index - 1).Lambda - lC) / h;
                double d1 = (history.PrevX0 - m0) / rk;
                double bh = bh1 ? -h : phi1;
                next -= aN * bh * 0.5 * d1;
                nextScale += Math.Abs(aN * bh * 0.5 / rk) * (Math.Abs(history.PrevX0) + Math.Abs(m0) + scale);
            }
            return new StepReference(next, nextScale, m0, scale, corrected, xcScale);
        }
    }

    /// <summary>diffusers' b vector for UniC of order p at hh = −h, by its φ recursion, and B(h).</summary>
    private static (Func<int, double[]> B, double BScale) BOf(double hh, bool bh1)
    {
        double bh = bh1 ? hh : Math.Exp(hh) - 1;
        return (p =>
        {
            var b = new double[p];
            double hPhiK = (Math.Exp(hh) - 1) / hh - 1, factorial = 1;
            for (int i = 1; i <= p; i++)
            {
                b[i - 1] = hPhiK * factorial / bh;
                factorial *= i + 1;
                hPhiK = hPhiK / hh - 1 / factorial;
            }
            return b;
        }, bh);
    }

    /// <summary>Solves R ρ = b with R's rows the powers 0 … p−1 of the r_k (Gaussian elimination with partial pivoting).</summary>
    private static double[] Solve(List<double> rks, double[] b)
    {
        int p = b.Length;
        var m = new double[p, p + 1];
        for (int i = 0; i < p; i++)
        {
            for (int k = 0; k < p; k++)
                m[i, k] = Math.Pow(rks[k], i);
            m[i, p] = b[i];
        }
        for (int col = 0; col < p; col++)
        {
            int pivot = Enumerable.Range(col, p - col).MaxBy(r => Math.Abs(m[r, col]));
            for (int k = 0; k <= p; k++)
                (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            for (int r = 0; r < p; r++)
            {
                if (r == col)
                    continue;
                double f = m[r, col] / m[col, col];
                for (int k = col; k <= p; k++)
                    m[r, k] -= f * m[col, k];
            }
        }
        return Enumerable.Range(0, p).Select(i => m[i, p] / m[i, i]).ToArray();
    }

    private static float[] Loop(string json, Func<SamplingSchedule, SamplingSchedule> pick, Func<SamplingSchedule, float[]>? start = null) =>
        GoldenLoopTests.DummyLoop(json, c => Samplers.Create("unipc", c), pick, start);

    /// <summary>The golden config with some keys replaced.</summary>
    private static string With(string extra) => GoldenLoopTests.WithKeys(Golden, extra);

    [Theory]
    [InlineData("", 0.2464)]
    [InlineData("\"use_karras_sigmas\": true", 0.2925)]
    [InlineData("\"prediction_type\": \"v_prediction\"", 0.1014)]
    [InlineData("\"prediction_type\": \"v_prediction\", \"use_karras_sigmas\": true", 0.1966)]
    // diffusers' test_switch: the config carried through DPMSolverMultistepScheduler (solver_type midpoint) reads as bh2 again.
    [InlineData("\"_class_name\": \"DPMSolverMultistepScheduler\", \"solver_type\": \"midpoint\", \"algorithm_type\": \"dpmsolver++\"", 0.2464)]
    public void FullLoopMatchesDiffusers(string extra, double mean)
    {
        var x = Loop(extra.Length == 0 ? Golden : With(extra), r => r);
        double got = x.Average(v => Math.Abs((double)v));
        output.WriteLine($"mean |x| = {got:F6} (Σ|x| = {got * x.Length:F4})");
        Assert.True(Math.Abs(got - mean) < 1e-3, $"mean |x| = {got:R}, expected {mean}"); // upstream tolerance
    }

    [Fact]
    public void LoopFromNoisedSampleMatchesDiffusers()
    {
        // diffusers runs timesteps[8:] (the last 2 of 10) from the sample noised with the σ of timesteps[8].
        var x = Loop(Golden, r => r.Tail(0.2), GoldenLoopTests.NoisedDummySample);
        double sum = x.Sum(v => Math.Abs((double)v));
        output.WriteLine($"Σ|x| = {sum:F4}, mean |x| = {sum / x.Length:F6}");
        Assert.True(Math.Abs(sum - 315.5757) < 1e-2, $"Σ|x| = {sum:R}, expected 315.5757");
        Assert.True(Math.Abs(sum / x.Length - 0.4109) < 1e-3, $"mean |x| = {sum / x.Length:R}, expected 0.4109");
    }

    [Fact]
    public void NoisedLoopRunsTheLastTwoOfTenSteps()
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(Golden));
        var run = Create(schedule.Config).Timesteps(schedule, 10).Tail(0.2);
        Assert.Equal([200, 100], run.Timesteps);
        Assert.Equal(10, run.FullCount);
    }

    [Theory]
    [InlineData("{}", new[] { 999, 899, 799, 699, 599, 500, 400, 300, 200, 100 })]
    [InlineData("""{"use_karras_sigmas": true}""", new[] { 999, 937, 864, 775, 663, 511, 301, 102, 18, 0 })]
    [InlineData("""{"timestep_spacing": "leading", "steps_offset": 1}""", new[] { 901, 811, 721, 631, 541, 451, 361, 271, 181, 91 })]
    [InlineData("""{"timestep_spacing": "trailing"}""", new[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    public void TenStepTimestepsAreDpmSolvers(string json, int[] expected)
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(json));
        var run = Create(schedule.Config).Timesteps(schedule, 10);
        Assert.Equal(expected, run.Timesteps);
        Assert.Equal(0.0, run.Sigmas![^1]); // final_sigmas_type zero by default, as diffusers' UniPC
    }

    [Theory]
    [InlineData("{}", 10, new[] { 1, 2, 2, 2, 2, 2, 2, 2, 2, 1 })]
    [InlineData("""{"final_sigmas_type": "sigma_min"}""", 20, new[] { 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1 })]
    [InlineData("""{"final_sigmas_type": "sigma_min", "lower_order_final": false}""", 4, new[] { 1, 2, 2, 2 })]
    [InlineData("""{"solver_order": 1}""", 4, new[] { 1, 1, 1, 1 })]
    public void OrderRisesFromOneAndDropsOnTheLastStepOnEveryLength(string json, int steps, int[] expected)
    {
        // Unlike DPM-Solver's, UniPC's lower_order_final caps the order by the steps left on any run length.
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(json));
        var sampler = Create(schedule.Config);
        var run = sampler.Timesteps(schedule, steps);
        Assert.Equal(expected, Enumerable.Range(0, steps).Select(i => sampler.Order(run, i)));
        for (int i = 0; i < steps; i++)
            Assert.Equal(expected[i] == 2, sampler.Coefficients(schedule, run, i, 0).PrevX0 != 0f);
    }

    [Fact]
    public void CorrectorSkipsTheFirstStepOfARunAndTheListedSteps()
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse("""{"disable_corrector": [2, 5]}"""));
        var sampler = Create(schedule.Config);
        var full = sampler.Timesteps(schedule, 10);
        Assert.Equal([1, 2, 4, 5, 7, 8, 9], Enumerable.Range(0, 10).Where(i => sampler.Corrects(full, i)));
        Assert.Equal([1, 2, 4, 5, 7, 8, 9], Enumerable.Range(0, 10).Where(i => sampler.Coefficients(schedule, full, i, 0).Corrector != 0));
        // A tail's first step has no last sample; disable_corrector counts steps of the whole list.
        var tail = full.Tail(0.6);
        Assert.Equal([1, 3, 4, 5], Enumerable.Range(0, tail.Count).Where(i => sampler.Corrects(tail, i))); // step 6 of 10 follows the disabled 5
    }

    [Fact]
    public void FinalSigmaZeroReturnsThePredictionExactly()
    {
        foreach (var (prediction, solver) in new[] { ("epsilon", "bh2"), ("v_prediction", "bh2"), ("sample", "bh2"), ("epsilon", "bh1") })
        {
            // bh1 too: diffusers' −∞·0 there is NaN, the first-order step itself has no B(h) term.
            var schedule = new NoiseSchedule(SchedulerConfig.Parse($$"""{"prediction_type": "{{prediction}}", "solver_type": "{{solver}}"}"""));
            var sampler = Create(schedule.Config);
            var run = sampler.Timesteps(schedule, 20);
            var c = sampler.Coefficients(schedule, run, run.Count - 1, 0);
            Assert.Equal((1f, 0f, 0f, 0f, 0f), (c.X0, c.X, c.Out, c.PrevX0, c.Sigma));
        }
    }

    [Fact]
    public void RepeatedFinalSigmaKeepsTheCorrectedSample()
    {
        // Karras ends at σmin and final_sigmas_type sigma_min repeats it: h = 0, so the last step returns its corrected x.
        var schedule = new NoiseSchedule(SchedulerConfig.Parse("""{"use_karras_sigmas": true, "final_sigmas_type": "sigma_min", "lower_order_final": false}"""));
        var sampler = Create(schedule.Config);
        var run = sampler.Timesteps(schedule, 10);
        Assert.Equal(2, sampler.Order(run, 9));
        var c = sampler.Coefficients(schedule, run, 9, 0);
        Assert.Equal((0f, 1f, 0f, 1), (c.X0, c.X, c.PrevX0, c.Corrector));
    }

    [Theory]
    [InlineData("""{"solver_order": 3}""", "solver_order", "third order")]
    [InlineData("""{"solver_order": 0}""", "solver_order", "1 or 2")]
    [InlineData("""{"solver_type": "bh3"}""", "solver_type", "bh1, bh2")]
    [InlineData("""{"predict_x0": false}""", "predict_x0", "true")]
    [InlineData("""{"solver_p": {"_class_name": "DPMSolverMultistepScheduler"}}""", "solver_p", "null")]
    [InlineData("""{"use_exponential_sigmas": true}""", "use_exponential_sigmas", "false")]
    [InlineData("""{"use_beta_sigmas": true}""", "use_beta_sigmas", "false")]
    [InlineData("""{"use_flow_sigmas": true}""", "use_flow_sigmas", "false")]
    [InlineData("""{"use_dynamic_shifting": true}""", "use_dynamic_shifting", "false")]
    [InlineData("""{"shift_terminal": 0.5}""", "shift_terminal", "null")]
    [InlineData("""{"beta_schedule": "linear", "use_karras_sigmas": true, "sigma_min": 0.1}""", "sigma_min", "null")]
    [InlineData("""{"disable_corrector": [1.5]}""", "disable_corrector", "step indices")]
    [InlineData("""{"final_sigmas_type": "sigma_max"}""", "final_sigmas_type", "zero, sigma_min")]
    [InlineData("""{"lower_order_final": false}""", "lower_order_final", "σ = 0")]
    public void RefusedValueIsOneLineNamingTheKey(string json, string key, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Samplers.Create("unipc", SchedulerConfig.Parse(json, "unipc.json")));
        Assert.StartsWith($"unipc.json: key '{key}'", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void AbsentKeysTakeDiffusersDefaultsAndSavedConfigsRun()
    {
        var o = Create(new SchedulerConfig()).Options;
        Assert.Equal((2, UniPcSolverType.Bh2, true, DpmFinalSigma.Zero, false, TimestepSpacing.Linspace),
            (o.SolverOrder, o.SolverType, o.LowerOrderFinal, o.FinalSigma, o.KarrasSigmas, o.Spacing));
        Assert.Empty(o.DisableCorrector);
        // As diffusers saves it (0.27): nulls for solver_p and the σ ends, an empty disable_corrector.
        var cfg = SchedulerConfig.Parse("""
            {"_class_name": "UniPCMultistepScheduler", "disable_corrector": [], "predict_x0": true, "solver_p": null, "sigma_min": null,
             "sigma_max": null, "use_karras_sigmas": true, "use_flow_sigmas": false, "flow_shift": 1.0, "timestep_spacing": "trailing",
             "thresholding": false, "dynamic_thresholding_ratio": 0.995, "sample_max_value": 1.0}
            """);
        o = Create(cfg).Options;
        Assert.True(o.KarrasSigmas);
        Assert.Equal(TimestepSpacing.Trailing, o.Spacing);
        // Thresholding is refused by the schedule; its parameters and the flow shift are read by nobody.
        Assert.Equal(["dynamic_thresholding_ratio", "flow_shift", "sample_max_value"], Samplers.Get("unipc").UnreadKeys(cfg).Order(StringComparer.Ordinal));
    }
}
