using BenchmarkDotNet.Running;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// Entry point. <c>allocs</c>, <c>cnn</c>, <c>compare</c>, <c>dump</c>, <c>featurize</c>, <c>latent</c>, <c>profile</c>, <c>quality</c>, <c>sampler-dump</c> and <c>tune</c> are console modes (see
/// <see cref="AllocationMode"/>, <see cref="CnnMode"/>, <see cref="CompareMode"/>, <see cref="FeaturizeMode"/>, <see cref="LatentMode"/>, <see cref="ProfileMode"/>, <see cref="QualityMode"/>, <see cref="SamplerDumpMode"/>, <see cref="TuneMode"/>); anything else goes to
/// BenchmarkDotNet's switcher (--filter, --job …).
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "allocs" or "cnn" or "compare" or "dump" or "featurize" or "latent" or "profile" or "quality" or "sampler-dump" or "tune")
        {
            try
            {
                var options = new CliArgs(args[1..]);
                return args[0] switch
                {
                    "cnn" => CnnMode.Run(options),
                    "compare" => CompareMode.Run(options),
                    "dump" => CompareMode.Dump(options),
                    "allocs" => AllocationMode.Run(options),
                    "profile" => ProfileMode.Run(options),
                    "quality" => QualityMode.Run(options),
                    "featurize" => FeaturizeMode.Run(options),
                    "latent" => LatentMode.Run(options),
                    "sampler-dump" => SamplerDumpMode.Run(options),
                    _ => TuneMode.Run(options),
                };
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"{args[0]}: {ex.Message}");
                return 2;
            }
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
