using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// One sampler as data: its command-line name, the scheduler-config keys it reads beyond the schedule's own (which
/// may depend on the config's <c>_class_name</c>: DPM-Solver does not read a UniPC config's solver keys), and how it
/// is made from a config. The state buffers it needs are declared by the sampler itself (<see cref="ISampler.State"/>),
/// because the loop is handed samplers, not registrations.
/// </summary>
/// <param name="Name">The name on the command line, in plans and manifests.</param>
/// <param name="KeysRead">The config keys the sampler reads from a config of the given class.</param>
/// <param name="Create">Makes the sampler from a config, refusing values it does not implement.</param>
public sealed record SamplerRegistration(string Name, Func<string, IReadOnlyCollection<string>> KeysRead, Func<SchedulerConfig, ISampler> Create)
{
    /// <summary>A sampler that reads no key beyond the schedule's.</summary>
    public SamplerRegistration(string name, Func<SchedulerConfig, ISampler> create) : this(name, _ => [], create)
    {
    }

    /// <summary>
    /// Keys of <paramref name="config"/> that its scheduler class holds, that the schedule does not use and that this
    /// sampler does not read either: what a report lists as unused.
    /// </summary>
    public IReadOnlyList<string> UnreadKeys(SchedulerConfig config)
    {
        var read = KeysRead(config.ClassName);
        return config.IgnoredScheduleKeys.Where(k => !read.Contains(k)).ToArray();
    }
}
