using System.Text.Json.Nodes;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Models;

/// <summary>Which of the model layouts a folder has.</summary>
public enum ModelLayout
{
    /// <summary>Ours: model.json, the .onnx it names, scheduler_config.json.</summary>
    OnnxDiffusion,

    /// <summary>A diffusers pipeline folder: model_index.json, unet/model.onnx (+ unet/config.json), scheduler/scheduler_config.json.</summary>
    DiffusersPipeline,

    /// <summary>A bare .onnx with a scheduler_config.json beside it.</summary>
    BareOnnx,

    /// <summary>
    /// A latent text-to-image pipeline in Optimum's ONNX export layout (Stable Diffusion): model_index.json, scheduler/,
    /// tokenizer/, text_encoder/, unet/, vae_encoder/ (optional), vae_decoder/.
    /// </summary>
    LatentPipeline,
}

/// <summary>
/// One reader for every model layout OnnxDiffusion accepts (<see cref="ModelLayout"/>). Our own folder is read from its
/// model.json as it always was; for the others, what model.json would say is inferred from the ONNX graph and the
/// configs (<see cref="ManifestInference"/>), with an optional <c>onnxdiffusion.json</c> beside them for what cannot be
/// inferred (<see cref="ModelOverrides"/>).
/// </summary>
public sealed class ModelFolder
{
    private ModelFolder(string path, ModelLayout layout, string onnxPath, SchedulerConfig scheduler, ModelManifest manifest, string manifestSource,
        LatentParts? latent = null, string? notice = null)
    {
        Latent = latent;
        Notice = notice;
        Path = path;
        Layout = layout;
        OnnxPath = onnxPath;
        Scheduler = scheduler;
        Manifest = manifest;
        ManifestSource = manifestSource;
    }

    /// <summary>The path as given (a folder, or a bare .onnx file).</summary>
    public string Path { get; }

    /// <summary>The layout found.</summary>
    public ModelLayout Layout { get; }

    /// <summary>The U-Net's .onnx file.</summary>
    public string OnnxPath { get; }

    /// <summary>The scheduler config.</summary>
    public SchedulerConfig Scheduler { get; }

    /// <summary>What the model takes and gives (read from model.json, or inferred).</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Where <see cref="Manifest"/> came from, for messages: model.json's path, or what it was inferred from.</summary>
    public string ManifestSource { get; }

    /// <summary>The text encoder, tokenizer and VAE of a latent pipeline; null for pixel models.</summary>
    public LatentParts? Latent { get; }

    /// <summary>Something the user should hear once about this folder (e.g. a part that is missing), or null.</summary>
    public string? Notice { get; }

    /// <summary>A short name for recipes and reports: the folder's name (the .onnx file's folder for a bare file).</summary>
    public string Name
    {
        get
        {
            string full = System.IO.Path.GetFullPath(Path).TrimEnd('/', System.IO.Path.DirectorySeparatorChar);
            return Layout == ModelLayout.BareOnnx && File.Exists(full)
                ? System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(full))!
                : System.IO.Path.GetFileName(full);
        }
    }

    /// <summary>Opens a model: our folder, a diffusers pipeline folder, or a bare .onnx (the file, or a folder holding one) with a scheduler config.</summary>
    /// <exception cref="OnnxDiffusionException">No layout matches, a file is missing or invalid, or the graph is ambiguous (one line, named).</exception>
    public static ModelFolder Open(string path)
    {
        if (File.Exists(path))
        {
            if (!path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                throw new ConfigException($"{path}: expected a model folder or an .onnx file");
            string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            return Bare(path, dir, path);
        }
        if (!Directory.Exists(path))
            throw new ConfigException($"{path}: model folder not found");
        string manifest = System.IO.Path.Combine(path, "model.json");
        if (File.Exists(manifest))
            return Ours(path, manifest);
        string index = System.IO.Path.Combine(path, "model_index.json");
        if (File.Exists(index))
            return Pipeline(path, index);
        var onnx = Directory.GetFiles(path, "*.onnx").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (onnx.Length == 1)
            return Bare(path, path, onnx[0]);
        if (onnx.Length > 1)
            throw new ConfigException(
                $"{path}: {onnx.Length} .onnx files ({string.Join(", ", onnx.Select(System.IO.Path.GetFileName))}) and no model.json: pass the U-Net's .onnx file itself as --model");
        throw new ConfigException(
            $"{path}: not a model folder: expected model.json (an OnnxDiffusion model), model_index.json (a diffusers pipeline) or one .onnx beside a scheduler_config.json");
    }

    private static ModelFolder Ours(string path, string manifestPath)
    {
        var m = ModelManifest.Load(manifestPath);
        var scheduler = SchedulerConfig.Load(System.IO.Path.Combine(path, "scheduler_config.json"));
        if (SchedulerConfig.NameOf(scheduler.PredictionType) != m.PredictionType)
            throw new ConfigException(
                $"{path}: scheduler_config.json says prediction_type {SchedulerConfig.NameOf(scheduler.PredictionType)} but model.json says {m.PredictionType}");
        return new ModelFolder(path, ModelLayout.OnnxDiffusion, System.IO.Path.Combine(path, m.Onnx), scheduler, m, manifestPath);
    }

    private static ModelFolder Pipeline(string path, string indexPath)
    {
        var components = PipelineComponents(indexPath);
        bool latent = LatentPipelineReader.Markers.Any(c => components.Contains(c) || Directory.Exists(System.IO.Path.Combine(path, c)));
        string onnx = System.IO.Path.Combine(path, "unet", "model.onnx");
        if (!File.Exists(onnx))
            throw new ConfigException($"{path}: diffusers pipeline folder without unet/model.onnx (export the U-Net to ONNX first: see models/export/README.md)");
        string schedulerPath = System.IO.Path.Combine(path, "scheduler", "scheduler_config.json");
        if (!File.Exists(schedulerPath))
            throw new ConfigException($"{path}: diffusers pipeline folder without scheduler/scheduler_config.json");
        var scheduler = SchedulerConfig.Load(schedulerPath);
        string unetConfig = System.IO.Path.Combine(path, "unet", "config.json");
        var unet = File.Exists(unetConfig) ? UNetConfig.Load(unetConfig) : null;
        var overrides = ModelOverrides.LoadOrEmpty(System.IO.Path.Combine(path, ModelOverrides.FileName));
        string from = "unet/model.onnx" + (unet is null ? "" : ", unet/config.json") + ", scheduler/scheduler_config.json" +
                      (File.Exists(overrides.Source) ? ", " + ModelOverrides.FileName : "");
        if (latent)
        {
            var (lm, parts, notice) = LatentPipelineReader.Read(path, onnx, scheduler, unet, overrides);
            return new ModelFolder(path, ModelLayout.LatentPipeline, onnx, scheduler, lm,
                $"{path} (latent pipeline, inferred from {from}, tokenizer/, text_encoder/, {(parts.VaeEncoder is null ? "" : "vae_encoder/, ")}vae_decoder/)",
                parts, notice);
        }
        var m = ManifestInference.Infer(GraphSignature.Read(onnx), "unet/model.onnx", onnx, unet, overrides, scheduler);
        return new ModelFolder(path, ModelLayout.DiffusersPipeline, onnx, scheduler, m, $"{path} (inferred from {from})");
    }

    private static ModelFolder Bare(string path, string dir, string onnx)
    {
        string schedulerPath = new[] { System.IO.Path.Combine(dir, "scheduler_config.json"), System.IO.Path.Combine(dir, "scheduler", "scheduler_config.json") }
            .FirstOrDefault(File.Exists)
            ?? throw new ConfigException($"{onnx}: no scheduler_config.json beside it: a bare .onnx needs the scheduler config it was trained with");
        var scheduler = SchedulerConfig.Load(schedulerPath);
        var overrides = ModelOverrides.LoadOrEmpty(System.IO.Path.Combine(dir, ModelOverrides.FileName));
        var graph = GraphSignature.Read(onnx);
        var m = ManifestInference.Infer(graph, System.IO.Path.GetRelativePath(dir, onnx), onnx, null, overrides, scheduler);
        string from = System.IO.Path.GetFileName(onnx) + ", " + System.IO.Path.GetRelativePath(dir, schedulerPath) +
                      (File.Exists(overrides.Source) ? ", " + ModelOverrides.FileName : "");
        return new ModelFolder(path, ModelLayout.BareOnnx, onnx, scheduler, m, $"{path} (inferred from {from})");
    }

    // model_index.json lists the pipeline's components as name: [library, class]; only the names matter here.
    private static HashSet<string> PipelineComponents(string indexPath)
    {
        return ModelOverrides.ReadObject(indexPath, "the pipeline index")
            .Where(p => !p.Key.StartsWith('_') && p.Value is JsonArray { Count: 2 } arr && arr[1] is not null)
            .Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
    }
}
