using System.CommandLine;
using System.CommandLine.Parsing;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>Options shared by the commands that run a model, so their names and defaults agree.</summary>
internal static class CommonOptions
{
    public const string EmbeddedModel = "models/fashion-mnist-ddpm";

    public const string EmbeddedFeatures = "models/fashion-mnist-features";

    public static Option<string> Model() => new Option<string>("--model")
    {
        Description = "model: our folder (model.json), a diffusers pipeline folder (model_index.json, unet/model.onnx, scheduler/), or a bare .onnx beside a scheduler_config.json",
        DefaultValueFactory = _ => EmbeddedModel,
    }.NonEmpty();

    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "auto | cpu | cuda — for ONNX Runtime and the sampler kernels",
        DefaultValueFactory = _ => "auto",
    }.NonEmpty("auto, cpu or cuda");

    public static Option<int?> Steps() => new("--steps") { Description = "inference steps (default: the model card's)" };

    public static Option<string> Sampler() => new("--sampler")
    {
        Description = string.Join(" | ", OnnxDiffusion.Sampling.Samplers.Names), DefaultValueFactory = _ => "ddim",
    };

    public static Option<double> Eta() => new("--eta") { Description = "DDIM η in [0,1] (0 = deterministic)", DefaultValueFactory = _ => 0.0 };

    public static Option<double?> Guidance() => new("--guidance")
    {
        Description = "classifier-free guidance scale w (≤ 1 = off; default: the model card's)",
    };

    /// <summary>--prompt: the prompt template of a text-to-image model.</summary>
    public static Option<string?> Prompt() => new("--prompt")
    {
        Description = "text-to-image models: prompt template, {class} becomes each class name (default \"a photo of a {class}\"); the null condition is the empty prompt",
    };

    public static Option<ulong> Seed() => new("--seed") { Description = "run seed", DefaultValueFactory = _ => 0UL };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "CPU threads for ONNX Runtime in all (0 = one per core)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int> Sessions() => new("--sessions")
    {
        Description = "data-parallel ONNX Runtime sessions on the CPU, each with threads/sessions threads (0 = one per thread)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int> Batch() => new("--batch") { Description = "images per network batch", DefaultValueFactory = _ => 64 };

    /// <summary>
    /// Refuses an empty or blank value at parse time. Without it an empty path resolves to the program's own folder,
    /// so the error that follows names that folder instead of the option the user got wrong.
    /// </summary>
    public static T NonEmpty<T>(this T symbol, string expected = "a path")
        where T : Symbol
    {
        void Check(SymbolResult r, string name)
        {
            if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                r.AddError($"{name} '': expected {expected}, not an empty string");
        }
        switch (symbol)
        {
            case Option o:
                o.Validators.Add(r => Check(r, o.Name));
                break;
            case Argument a:
                a.Validators.Add(r => Check(r, a.Name));
                break;
        }
        return symbol;
    }

    /// <summary>
    /// Resolves a repository-relative default (the embedded model or data) from the working directory or,
    /// failing that, from the folders above the executable, so `dotnet run` works from anywhere in the clone.
    /// </summary>
    public static string Resolve(string path)
    {
        if (Path.IsPathRooted(path) || Directory.Exists(path) || File.Exists(path))
            return path;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, path);
            if (Directory.Exists(candidate) || File.Exists(candidate))
                return candidate;
        }
        return path;
    }
}
