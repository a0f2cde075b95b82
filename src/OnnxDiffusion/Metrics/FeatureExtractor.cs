using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Metrics;

/// <summary><c>features.json</c>: how to run a feature-extractor ONNX model.</summary>
public sealed record FeatureModelManifest
{
    /// <summary>The .onnx file beside the manifest.</summary>
    [JsonPropertyName("onnx")] public string Onnx { get; init; } = "features.onnx";

    /// <summary>Image input name ([B, C, H, W] float32 in the pixel range).</summary>
    [JsonPropertyName("input")] public string Input { get; init; } = "image";

    /// <summary>Feature output name ([B, D]).</summary>
    [JsonPropertyName("features_output")] public string FeaturesOutput { get; init; } = "features";

    /// <summary>Class logits output name ([B, K]), or null when the model is no classifier.</summary>
    [JsonPropertyName("logits_output")] public string? LogitsOutput { get; init; } = "logits";

    /// <summary>D.</summary>
    [JsonPropertyName("feature_dim")] public int FeatureDim { get; init; }

    /// <summary>Image size the model expects.</summary>
    [JsonPropertyName("image_size")] public int ImageSize { get; init; }

    /// <summary>Channels the model expects.</summary>
    [JsonPropertyName("channels")] public int Channels { get; init; }

    /// <summary>Class names of the logits.</summary>
    [JsonPropertyName("class_names")] public IReadOnlyList<string> ClassNames { get; init; } = [];
}

/// <summary>Features (and class logits) of a batch of images from a feature-extractor ONNX model.</summary>
public sealed class FeatureExtractor : IFeatureExtractor
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    /// <summary>Opens <c>features.json</c> and its model in <paramref name="directory"/>.</summary>
    /// <exception cref="OnnxDiffusionException">Missing or invalid files.</exception>
    public FeatureExtractor(string directory)
    {
        string manifestPath = Path.Combine(directory, "features.json");
        try
        {
            Manifest = JsonSerializer.Deserialize<FeatureModelManifest>(File.ReadAllText(manifestPath))
                       ?? throw new ConfigException($"{manifestPath}: empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigException($"{manifestPath}: cannot read feature model manifest ({ex.Message})", ex);
        }
        // A JSON null passes the deserializer for a non-nullable string or list: name the key rather than fail later.
        foreach (var (key, value) in new[] { ("onnx", Manifest.Onnx), ("input", Manifest.Input), ("features_output", Manifest.FeaturesOutput) })
            if (string.IsNullOrEmpty(value))
                throw new ConfigException($"{manifestPath}: key '{key}' must be a non-empty string");
        if (Manifest.ClassNames is null || Manifest.ClassNames.Any(string.IsNullOrEmpty))
            throw new ConfigException($"{manifestPath}: key 'class_names' must be a list of non-empty strings");
        string onnx = Path.Combine(directory, Manifest.Onnx);
        try
        {
            Fingerprint = Data.Sha256.OfFile(onnx);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{onnx}: cannot read feature model ({ex.Message})", ex);
        }
        try
        {
            using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            _session = new InferenceSession(onnx, so);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxDiffusionException($"{onnx}: not a loadable ONNX model ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
        if (!_session.InputMetadata.ContainsKey(Manifest.Input))
            throw new OnnxDiffusionException($"{manifestPath}: input '{Manifest.Input}' is not an input of {onnx}");
        foreach (var o in new[] { Manifest.FeaturesOutput, Manifest.LogitsOutput })
            if (o is not null && !_session.OutputMetadata.ContainsKey(o))
                throw new OnnxDiffusionException($"{manifestPath}: output '{o}' is not an output of {onnx}");
    }

    /// <summary>The model's manifest.</summary>
    public FeatureModelManifest Manifest { get; }

    /// <inheritdoc />
    public int? InputChannels => Manifest.Channels;

    /// <inheritdoc />
    public int? InputSize => Manifest.ImageSize;

    /// <inheritdoc />
    public IReadOnlyList<string>? ClassNames => Manifest.ClassNames.Count > 0 ? Manifest.ClassNames : null;

    /// <inheritdoc />
    public int FeatureDim => Manifest.FeatureDim;

    /// <inheritdoc />
    public string Description => $"{Manifest.Onnx} ({Manifest.FeatureDim}-d '{Manifest.FeaturesOutput}' output)";

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <summary>Runs all images in batches; returns features [N·D] and logits [N·K] (empty when none).</summary>
    /// <exception cref="DataFormatException">Images of another geometry than the model's.</exception>
    public (float[] Features, float[] Logits) Run(LabeledImages images) => Run(images, 256);

    /// <summary>As <see cref="Run(LabeledImages)"/> with an explicit batch size.</summary>
    public (float[] Features, float[] Logits) Run(LabeledImages images, int batchSize)
    {
        if (images.Channels != Manifest.Channels || images.Height != Manifest.ImageSize || images.Width != Manifest.ImageSize)
            throw new DataFormatException(
                $"{images.Source}: images are {images.Channels}×{images.Height}×{images.Width}, the feature model expects {Manifest.Channels}×{Manifest.ImageSize}×{Manifest.ImageSize}");
        int s = images.ImageSize, d = Manifest.FeatureDim, n = images.Count;
        var features = new float[n * d];
        var logits = new List<float>();
        var x = new float[Math.Min(batchSize, n) * s];
        for (int start = 0; start < n; start += batchSize)
        {
            int b = Math.Min(batchSize, n - start);
            for (int i = 0; i < b; i++)
                images.CopyAsModelInput(start + i, x.AsSpan(i * s, s));
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(x, 0, b * s),
                [b, images.Channels, images.Height, images.Width]);
            var names = Manifest.LogitsOutput is null ? new[] { Manifest.FeaturesOutput } : new[] { Manifest.FeaturesOutput, Manifest.LogitsOutput };
            using var results = _session.Run(_runOptions, [Manifest.Input], [input], names);
            results[0].GetTensorDataAsSpan<float>().CopyTo(features.AsSpan(start * d, b * d));
            if (Manifest.LogitsOutput is not null)
                logits.AddRange(results[1].GetTensorDataAsSpan<float>().ToArray());
        }
        return (features, logits.ToArray());
    }

    /// <summary>Share of images whose arg-max logit equals their label.</summary>
    public static double Accuracy(ReadOnlySpan<float> logits, IReadOnlyList<int> labels)
    {
        int k = logits.Length / labels.Count, correct = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            var row = logits.Slice(i * k, k);
            int best = 0;
            for (int j = 1; j < k; j++)
                if (row[j] > row[best]) best = j;
            if (best == labels[i]) correct++;
        }
        return (double)correct / labels.Count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
