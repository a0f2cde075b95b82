using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>
/// Text-encoder hidden states [B, Length, Hidden], float32 or float16; the unconditional half takes the empty prompt's
/// states for every sample.
/// </summary>
internal sealed class EmbeddingFeed : InputFeed
{
    private readonly HostTensor<float> _tensor;
    private readonly TextSpec _text;
    private readonly string _onnxPath;

    /// <summary>The hidden-states input <paramref name="text"/> describes, of the model at <paramref name="onnxPath"/>.</summary>
    public EmbeddingFeed(TextSpec text, string onnxPath) : base("encoder_hidden_states", text.Input, text.Dtype)
    {
        _tensor = HostTensors.Floats(Role, Dtype);
        _text = text;
        _onnxPath = onnxPath;
    }

    /// <inheritdoc />
    public override ConditioningKind Condition => ConditioningKind.Embedding;

    /// <inheritdoc />
    public override void Check(in FeedRequest request)
    {
        var condition = request.Condition;
        if (condition.Kind != ConditioningKind.Embedding || condition.EmbeddingSize != _text.EmbeddingSize || condition.Count != request.Batch)
            throw new OnnxDiffusionException(
                $"model {_onnxPath} is text-conditioned: expected {request.Batch} embeddings of {_text.Length}×{_text.Hidden}, got {(condition.Kind == ConditioningKind.Embedding ? $"{condition.Count} of {condition.EmbeddingSize} values" : "a " + condition.Kind.ToString().ToLowerInvariant() + " condition")}");
    }

    /// <inheritdoc />
    public override void Allocate(int rows) => _tensor.Allocate(rows * _text.EmbeddingSize);

    /// <inheritdoc />
    public override void Fill(in FeedRequest request)
    {
        int e = _text.EmbeddingSize;
        var states = _tensor.Values.Span;
        request.Condition.Embedding.Span.CopyTo(states);
        if (request.Doubled)
            for (int i = 0; i < request.Batch; i++)
                request.Condition.NullEmbedding.Span.CopyTo(states.Slice((request.Batch + i) * e, e));
    }

    /// <inheritdoc />
    public override void ToGraph(int first, int rows) => _tensor.ToGraph(first * _text.EmbeddingSize, rows * _text.EmbeddingSize);

    /// <inheritdoc />
    public override OrtValue Tensor(int first, int rows) =>
        _tensor.Tensor(first * _text.EmbeddingSize, rows * _text.EmbeddingSize, [rows, _text.Length, _text.Hidden]);
}
