using System.CommandLine;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>The options generate and reconstruct share, declared once.</summary>
internal sealed class SynthesisOptions
{
    private readonly Option<string> _model = CommonOptions.Model();
    private readonly Option<string> _data = new Option<string>("--data") { Description = "real dataset: IDX folder or ImageFolder", DefaultValueFactory = _ => "data/fashion-mnist" }.NonEmpty();
    private readonly Option<string> _split = new("--split") { Description = "train | test", DefaultValueFactory = _ => "train" };
    private readonly Option<int> _perClass = new("--per-class") { Description = "images per class", DefaultValueFactory = _ => 10 };
    private readonly Option<double> _strength = new("--strength") { Description = "img2img strength S in [0,1] (0 = the real image, 1 = pure noise)", DefaultValueFactory = _ => 0.6 };
    private readonly Option<int?> _steps = CommonOptions.Steps();
    private readonly Option<string> _sampler = CommonOptions.Sampler();
    private readonly Option<double> _eta = CommonOptions.Eta();
    private readonly Option<double?> _guidance = CommonOptions.Guidance();
    private readonly Option<ulong> _seed = CommonOptions.Seed();
    private readonly Option<int> _batch = CommonOptions.Batch();
    private readonly Option<string> _device = CommonOptions.Device();
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<int> _sessions = CommonOptions.Sessions();
    private readonly Option<string> _out = new Option<string>("--out") { Description = "output folder (rerun with the same options to resume)", Required = true }.NonEmpty();
    private readonly Option<string?> _shard = new Option<string?>("--shard") { Description = "i/n: make only the ids ≡ i (mod n); join shards with `merge`" }.NonEmpty("i/n (e.g. 0/4)");
    private readonly Option<bool> _unlabelled = new("--unlabelled") { Description = "unconditional model: write unlabelled samples (one folder, 'samples') instead of refusing" };
    private readonly Option<string?> _prompt = CommonOptions.Prompt();
    private readonly Option<string?> _classes = new("--classes") { Description = "text-to-image models: comma-separated class names to prompt for (generate)" };
    private readonly Option<bool> _resize = new("--resize") { Description = "resize the real images to the model's size (SkiaSharp bilinear; recorded in dataset.json) instead of refusing a size mismatch" };

    public void AddTo(Command cmd, bool reconstruct)
    {
        cmd.Options.Add(_model);
        if (reconstruct)
        {
            cmd.Options.Add(_data);
            cmd.Options.Add(_split);
        }
        cmd.Options.Add(_perClass);
        if (reconstruct)
        {
            cmd.Options.Add(_strength);
            cmd.Options.Add(_resize);
        }
        else
        {
            cmd.Options.Add(_unlabelled);
            cmd.Options.Add(_classes);
        }
        foreach (var o in new Option[] { _prompt, _steps, _sampler, _eta, _guidance, _seed, _batch, _device, _threads, _sessions, _out, _shard })
            cmd.Options.Add(o);
    }

    public PipelineSettings Settings(ParseResult p) => new()
    {
        ModelDirectory = CommonOptions.Resolve(p.GetValue(_model)!),
        Device = CommandRunner.Device(p.GetValue(_device)),
        Sampler = p.GetValue(_sampler)!,
        Steps = p.GetValue(_steps),
        Eta = p.GetValue(_eta),
        Guidance = p.GetValue(_guidance),
        Seed = p.GetValue(_seed),
        BatchSize = p.GetValue(_batch),
        IntraOpThreads = p.GetValue(_threads),
        Sessions = p.GetValue(_sessions),
        Prompt = p.GetValue(_prompt),
    };

    /// <summary>--classes split at commas (trimmed), or null when not given.</summary>
    /// <exception cref="ConfigException">An empty or repeated name.</exception>
    public IReadOnlyList<string>? Classes(ParseResult p)
    {
        if (p.GetValue(_classes) is not string text)
            return null;
        var names = text.Split(',').Select(n => n.Trim()).ToArray();
        if (names.Any(n => n.Length == 0) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new ConfigException($"--classes '{text}': expected comma-separated, distinct, non-empty class names (e.g. cat,dog)");
        return names;
    }

    public string Data(ParseResult p) => CommonOptions.Resolve(p.GetValue(_data)!);

    public string Split(ParseResult p) => p.GetValue(_split)!;

    public int PerClass(ParseResult p) => p.GetValue(_perClass);

    public double Strength(ParseResult p) => p.GetValue(_strength);

    public bool Unlabelled(ParseResult p) => p.GetValue(_unlabelled);

    public bool Resize(ParseResult p) => p.GetValue(_resize);

    public string Out(ParseResult p) => p.GetValue(_out)!;

    public ShardSpec Shard(ParseResult p) => ShardSpec.Parse(p.GetValue(_shard));

    public static void PrintNotices(DiffusionPipeline pipeline)
    {
        foreach (var notice in pipeline.Notices)
            Console.Error.WriteLine("notice: " + notice);
        // Once per process: a shard loop or a test run opening the same config many times says it once.
        foreach (var warning in pipeline.Model.Scheduler.Warnings)
            if (Schedules.ConfigWarnings.Once(warning))
                Console.Error.WriteLine("warning: " + warning);
    }

    public static void PrintSummary(SynthesisSummary s, string outDir)
    {
        string rate = s.Written > 0 && s.Seconds > 0
            ? $" ({s.Written / s.Seconds:F2} images/s, {s.NetworkEvaluations / s.Seconds:F1} network evaluations/s)"
            : "";
        Console.WriteLine($"{outDir}: {s.Written} images made in {s.Seconds:F1} s{rate}, {s.Skipped} already present");
    }
}
