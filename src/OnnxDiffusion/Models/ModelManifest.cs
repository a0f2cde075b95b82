using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>
/// <c>model.json</c>, the description of an exported diffusion U-Net that sits beside its .onnx file:
/// tensor names, image geometry, classes (with the extra "null" class used for classifier-free guidance),
/// prediction type, pixel range and timestep dtype.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>Format tag.</summary>
    [JsonPropertyName("format")] public string Format { get; init; } = "onnxdiffusion-model/1";

    /// <summary>The .onnx file, relative to the manifest's folder.</summary>
    [JsonPropertyName("onnx")] public string Onnx { get; init; } = "unet.onnx";

    /// <summary>Input tensor names by role.</summary>
    [JsonPropertyName("inputs")] public ModelInputs Inputs { get; init; } = new();

    /// <summary>Output tensor name.</summary>
    [JsonPropertyName("output")] public string Output { get; init; } = "out_sample";

    /// <summary>Image height and width.</summary>
    [JsonPropertyName("image_size")] public int ImageSize { get; init; }

    /// <summary>Channels per image.</summary>
    [JsonPropertyName("channels")] public int Channels { get; init; }

    /// <summary>Number of real classes (0 for unconditional models).</summary>
    [JsonPropertyName("num_classes")] public int NumClasses { get; init; }

    /// <summary>Class names, one per real class.</summary>
    [JsonPropertyName("class_names")] public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Label that means "no class" (classifier-free guidance), or null when the model has none.</summary>
    [JsonPropertyName("null_class")] public int? NullClass { get; init; }

    /// <summary>epsilon, v_prediction or sample.</summary>
    [JsonPropertyName("prediction_type")] public string PredictionType { get; init; } = "epsilon";

    /// <summary>Range of model pixels, normally [-1, 1].</summary>
    [JsonPropertyName("pixel_range")] public IReadOnlyList<double> PixelRange { get; init; } = [-1.0, 1.0];

    /// <summary>int64, int32, float32 or float16.</summary>
    [JsonPropertyName("timestep_dtype")] public string TimestepDtype { get; init; } = "int64";

    /// <summary>
    /// The timestep input's shape: "[B]" (one per sample), "[]" (a scalar shared by the batch) or "[1]" (a one-element
    /// tensor shared by the batch).
    /// </summary>
    [JsonPropertyName("timestep_shape")] public string TimestepShape { get; init; } = TensorShapes.Batch;

    /// <summary>float32 or float16: the sample input's element type.</summary>
    [JsonPropertyName("sample_dtype")] public string SampleDtype { get; init; } = "float32";

    /// <summary>float32 or float16: the output's element type.</summary>
    [JsonPropertyName("output_dtype")] public string OutputDtype { get; init; } = "float32";

    /// <summary>int64 or int32: the class-label input's element type.</summary>
    [JsonPropertyName("class_labels_dtype")] public string ClassLabelsDtype { get; init; } = "int64";

    /// <summary>The graph's fixed batch size (only 1 is supported), or null when the batch axis is dynamic.</summary>
    [JsonPropertyName("fixed_batch")] public int? FixedBatch { get; init; }

    /// <summary>Guidance scale the model card recommends (diffusers' convention; ≤ 1 means none).</summary>
    [JsonPropertyName("default_guidance_scale")] public double DefaultGuidanceScale { get; init; } = 1.0;

    /// <summary>Inference steps the model card recommends.</summary>
    [JsonPropertyName("default_steps")] public int DefaultSteps { get; init; } = 50;

    /// <summary>sha256 of the .onnx file, if recorded.</summary>
    [JsonPropertyName("onnx_sha256")] public string? OnnxSha256 { get; init; }

    /// <summary>
    /// Latent diffusion: the U-Net's sample is a VAE latent of this shape, while <see cref="Channels"/> and
    /// <see cref="ImageSize"/> stay the images' (what data, writers and metrics see). Null for pixel models.
    /// </summary>
    [JsonIgnore] public LatentSpec? Latent { get; init; }

    /// <summary>Text conditioning: the U-Net takes text-encoder hidden states. Null when it does not.</summary>
    [JsonIgnore] public TextSpec? Text { get; init; }

    /// <summary>Channels of the U-Net's sample (the latent's for latent models).</summary>
    [JsonIgnore] public int SampleChannels => Latent?.Channels ?? Channels;

    /// <summary>Height and width of the U-Net's sample (the latent's for latent models).</summary>
    [JsonIgnore] public int SampleImageSize => Latent?.Size ?? ImageSize;

    /// <summary>Elements per U-Net sample (C·H·W of the latent for latent models).</summary>
    [JsonIgnore] public int SampleSize => SampleChannels * SampleImageSize * SampleImageSize;

    /// <summary>Elements per image (C·H·W of the pixels).</summary>
    [JsonIgnore] public int PixelCount => Channels * ImageSize * ImageSize;

    /// <summary>True when samples can be made for a class: by its label, or by a prompt that names it.</summary>
    [JsonIgnore] public bool TakesClasses => IsConditional || Text is not null;

    /// <summary>True when the model takes class labels.</summary>
    [JsonIgnore] public bool IsConditional => NumClasses > 0 && !string.IsNullOrEmpty(Inputs.ClassLabels);

    /// <summary>
    /// False when the class names are placeholders ("0", "1", …) because nothing named the classes (an inferred folder
    /// without onnxdiffusion.json class_names): data then supplies the names, matched by count.
    /// </summary>
    [JsonIgnore] public bool ClassNamesGiven { get; init; } = true;

    /// <summary>The class names data must be loaded with (null when the model does not name its classes).</summary>
    [JsonIgnore] public IReadOnlyList<string>? ClassNamesForData => ClassNamesGiven && ClassNames.Count > 0 ? ClassNames : null;

    /// <summary>What the model is conditioned on.</summary>
    [JsonIgnore]
    public ConditioningSpec Conditioning => IsConditional
        ? new ConditioningSpec(ConditioningKind.ClassLabel, NumClasses, NullClass)
        : Text is not null ? new ConditioningSpec(ConditioningKind.Embedding) : ConditioningSpec.Unconditional;

    /// <summary>The model's pixel range.</summary>
    [JsonIgnore] public Imaging.PixelRange Pixels => new(PixelRange[0], PixelRange[1]);

    /// <summary>Reads and validates <c>model.json</c>.</summary>
    /// <exception cref="ConfigException">Missing file, bad JSON, or an invalid value (named).</exception>
    public static ModelManifest Load(string path)
    {
        ModelManifest? m;
        try
        {
            m = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read model manifest ({ex.Message})", ex);
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"{path}: invalid model manifest JSON ({ex.Message})", ex);
        }
        if (m is null)
            throw new ConfigException($"{path}: empty model manifest");
        m.Validate(path);
        return m;
    }

    /// <summary>Checks values; throws naming the key.</summary>
    public void Validate(string source)
    {
        if (ImageSize < 1) throw Bad(source, "image_size", ImageSize, "an integer ≥ 1");
        if (Channels < 1) throw Bad(source, "channels", Channels, "an integer ≥ 1");
        if (NumClasses < 0) throw Bad(source, "num_classes", NumClasses, "an integer ≥ 0");
        // System.Text.Json writes an explicit null over a default, so every reference-typed key is checked for it here.
        if (ClassNames is null || ClassNames.Any(string.IsNullOrWhiteSpace))
            throw new ConfigException($"{source}: key 'class_names': expected an array of non-empty names");
        if (ClassNames.Distinct(StringComparer.Ordinal).Count() != ClassNames.Count)
            throw new ConfigException($"{source}: key 'class_names' lists '{ClassNames.GroupBy(n => n, StringComparer.Ordinal).First(g => g.Count() > 1).Key}' twice: each class needs its own name (its images' folder)");
        if (string.IsNullOrEmpty(Onnx))
            throw new ConfigException($"{source}: key 'onnx': expected the U-Net's file name");
        if (Inputs is null)
            throw new ConfigException($"{source}: key 'inputs': expected an object naming 'sample' and 'timestep'");
        if (!GuidanceScale.IsValid(DefaultGuidanceScale))
            throw new ConfigException($"{source}: key 'default_guidance_scale' = {DefaultGuidanceScale}: expected {GuidanceScale.Expected}");
        if (NumClasses > 0 && ClassNamesGiven && ClassNames.Count != NumClasses)
            throw new ConfigException($"{source}: key 'class_names' has {ClassNames.Count} names: expected num_classes = {NumClasses}");
        if (NullClass is int nc && nc < NumClasses)
            throw Bad(source, "null_class", nc, $"a label ≥ num_classes ({NumClasses})");
        if (PredictionType is not ("epsilon" or "v_prediction" or "sample"))
            throw new ConfigException($"{source}: key 'prediction_type' = \"{PredictionType}\": expected epsilon, v_prediction or sample");
        OneOf(source, "timestep_dtype", TimestepDtype, TensorDtypes.Timestep);
        OneOf(source, "timestep_shape", TimestepShape, [TensorShapes.Batch, TensorShapes.Scalar, TensorShapes.One]);
        OneOf(source, "sample_dtype", SampleDtype, TensorDtypes.Sample);
        OneOf(source, "output_dtype", OutputDtype, TensorDtypes.Sample);
        OneOf(source, "class_labels_dtype", ClassLabelsDtype, TensorDtypes.ClassLabels);
        if (FixedBatch is int fb && fb != 1)
            throw Bad(source, "fixed_batch", fb, "null (a dynamic batch axis) or 1");
        if (PixelRange is null || PixelRange.Count != 2 || !(PixelRange[0] < PixelRange[1]) || !double.IsFinite(PixelRange[0]) || !double.IsFinite(PixelRange[1]))
            throw new ConfigException($"{source}: key 'pixel_range' must be [low, high] with finite low < high");
        if (string.IsNullOrEmpty(Inputs.Sample) || string.IsNullOrEmpty(Inputs.Timestep))
            throw new ConfigException($"{source}: key 'inputs' must name 'sample' and 'timestep'");
        if (string.IsNullOrEmpty(Output))
            throw new ConfigException($"{source}: key 'output' must name the output tensor");
    }

    private static void OneOf(string source, string key, string value, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(value))
            throw new ConfigException($"{source}: key '{key}' = \"{value}\": expected {string.Join(", ", allowed)}");
    }

    private static ConfigException Bad(string source, string key, int value, string expected) =>
        new($"{source}: key '{key}' = {value}: expected {expected}");
}

/// <summary>The VAE latent a latent-diffusion U-Net works in.</summary>
/// <param name="Channels">Latent channels (4 for Stable Diffusion).</param>
/// <param name="Size">Latent height and width (the image's divided by the VAE's downsampling factor).</param>
/// <param name="ScalingFactor">What latents are multiplied by after encoding and divided by before decoding.</param>
/// <param name="ScalingFactorSource">Where <paramref name="ScalingFactor"/> came from (a config key, or the fallback rule), for reports.</param>
public sealed record LatentSpec(int Channels, int Size, double ScalingFactor, string ScalingFactorSource);

/// <summary>The text condition a U-Net takes: <c>[B, Length, Hidden]</c> hidden states of a text encoder.</summary>
/// <param name="Input">The U-Net input's name (encoder_hidden_states).</param>
/// <param name="Length">Tokens per prompt (77 for CLIP).</param>
/// <param name="Hidden">Hidden size per token.</param>
/// <param name="Dtype">float32 or float16: the input's element type.</param>
public sealed record TextSpec(string Input, int Length, int Hidden, string Dtype = "float32")
{
    /// <summary>Values per prompt (Length · Hidden).</summary>
    public int EmbeddingSize => Length * Hidden;
}

/// <summary>Input tensor names of a U-Net export.</summary>
public sealed record ModelInputs
{
    /// <summary>Noisy sample [B, C, H, W].</summary>
    [JsonPropertyName("sample")] public string Sample { get; init; } = "sample";

    /// <summary>Timesteps [B].</summary>
    [JsonPropertyName("timestep")] public string Timestep { get; init; } = "timestep";

    /// <summary>Class labels [B], or null/empty for unconditional models.</summary>
    [JsonPropertyName("class_labels")] public string? ClassLabels { get; init; } = "class_labels";
}

/// <summary>The element types each input role accepts, spelled as in model.json.</summary>
public static class TensorDtypes
{
    /// <summary>Sample and output.</summary>
    public static readonly IReadOnlyList<string> Sample = ["float32", "float16"];

    /// <summary>Timestep.</summary>
    public static readonly IReadOnlyList<string> Timestep = ["int64", "int32", "float32", "float16"];

    /// <summary>Class labels.</summary>
    public static readonly IReadOnlyList<string> ClassLabels = ["int64", "int32"];
}

/// <summary>The timestep shapes a model may take.</summary>
public static class TensorShapes
{
    /// <summary>One timestep per sample, [B].</summary>
    public const string Batch = "[B]";

    /// <summary>A scalar shared by the whole batch.</summary>
    public const string Scalar = "[]";

    /// <summary>A one-element tensor shared by the whole batch.</summary>
    public const string One = "[1]";
}
