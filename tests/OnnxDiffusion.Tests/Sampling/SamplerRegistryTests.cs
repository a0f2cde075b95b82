using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>The sampler registry: names and factories from one list, and the keys each sampler reads subtracted from a report's unused keys.</summary>
public class SamplerRegistryTests
{
    // A DPMSolverMultistepScheduler config as diffusers saves it, trimmed to the keys that matter here.
    private const string DpmConfig = """
        {"_class_name": "DPMSolverMultistepScheduler", "algorithm_type": "dpmsolver++", "dynamic_thresholding_ratio": 0.995,
         "euler_at_final": false, "final_sigmas_type": "zero", "lower_order_final": true, "solver_order": 2, "solver_type": "midpoint",
         "use_karras_sigmas": false, "timestep_spacing": "linspace"}
        """;

    private const string UniPcConfig = """
        {"_class_name": "UniPCMultistepScheduler", "disable_corrector": [], "lower_order_final": true, "predict_x0": true,
         "solver_order": 2, "solver_type": "bh2", "final_sigmas_type": "zero", "use_karras_sigmas": false}
        """;

    [Fact]
    public void EveryRegistrationMakesASamplerOfItsOwnName()
    {
        Assert.Equal(Samplers.Registered.Select(r => r.Name), Samplers.Names);
        Assert.Equal(Samplers.Names.Length, Samplers.Names.Distinct().Count());
        foreach (var r in Samplers.Registered)
        {
            Assert.Equal(r.Name, r.Create(new SchedulerConfig()).Name);
            Assert.Same(r, Samplers.Get($" {r.Name.ToUpperInvariant()} "));
        }
    }

    [Fact]
    public void AnUnknownNameIsOneLineListingTheNames()
    {
        var ex = Assert.Throws<ConfigException>(() => Samplers.Get("euler"));
        Assert.Equal($"sampler 'euler': expected one of {string.Join(", ", Samplers.Names)}", ex.Message);
    }

    [Fact]
    public void DpmSolverKeysAreUnusedByDdimButReadByDpm()
    {
        var cfg = SchedulerConfig.Parse(DpmConfig);
        string[] solverKeys = ["algorithm_type", "euler_at_final", "final_sigmas_type", "lower_order_final", "solver_order", "solver_type"];
        Assert.All(solverKeys, k => Assert.Contains(k, cfg.IgnoredScheduleKeys));

        Assert.Equal(cfg.IgnoredScheduleKeys, Samplers.Get("ddim").UnreadKeys(cfg));
        Assert.Equal(cfg.IgnoredScheduleKeys, Samplers.Get("ddpm").UnreadKeys(cfg));
        // dpm++2m reads every solver key and the σ spacing; the thresholding parameter is nobody's.
        Assert.Equal(["dynamic_thresholding_ratio"], Samplers.Get("dpm++2m").UnreadKeys(cfg));
    }

    [Fact]
    public void DpmDoesNotReadAnotherSolversSolverKeys()
    {
        // DpmSolverOptions drops a UniPC config's solver keys (they configure UniPC): the report must list them for dpm++2m.
        var cfg = SchedulerConfig.Parse(UniPcConfig);
        var unread = Samplers.Get("dpm++2m").UnreadKeys(cfg);
        Assert.Contains("solver_order", unread);
        Assert.Contains("solver_type", unread);
        Assert.DoesNotContain("use_karras_sigmas", unread);
        var withUniPcSolverKeys = cfg with { SourceJson = """{"_class_name": "UniPCMultistepScheduler", "solver_order": 3, "solver_type": "bh2"}""" };
        Assert.Equal(new DpmSolverOptions(), ((DpmSolverMultistepSampler)Samplers.Create("dpm++2m", withUniPcSolverKeys)).Options);
    }

    [Fact]
    public void DeclaredStateMatchesWhatTheStepsWeigh()
    {
        // A sampler must declare every buffer its steps weigh (the loop gives it no other) and no buffer they never weigh.
        var schedule = new NoiseSchedule(new SchedulerConfig());
        foreach (var r in Samplers.Registered)
        {
            var sampler = r.Create(new SchedulerConfig());
            var run = sampler.Timesteps(schedule, 10);
            var steps = Enumerable.Range(0, run.Count).Select(i => sampler.Coefficients(schedule, run, i, 0)).ToArray();
            var weighed = (steps.Any(c => c.ReadsPrevX0) ? SamplerState.PreviousX0 : 0)
                          | (steps.Any(c => c.ReadsOlderX0) ? SamplerState.OlderX0 : 0)
                          | (steps.Any(c => c.ReadsLast) ? SamplerState.LastSample : 0);
            Assert.Equal(sampler.State, weighed);
        }
    }
}
