namespace OnnxDiffusion.Sampling;

/// <summary>What a model is conditioned on.</summary>
public enum ConditioningKind
{
    /// <summary>Nothing: an unconditional model.</summary>
    None,

    /// <summary>One integer class label per sample.</summary>
    ClassLabel,

    /// <summary>An embedding tensor per sample (e.g. a text encoder's hidden states).</summary>
    Embedding,
}

/// <summary>
/// The condition of one batch, as the denoiser receives it: none, one class label per sample, or one embedding per
/// sample. It also carries the "no condition" counterpart (the null class, or the unconditional embedding) when the
/// model has one, because classifier-free guidance runs the network on both and cannot be done without it.
/// </summary>
public sealed class Conditioning
{
    private Conditioning(ConditioningKind kind, ReadOnlyMemory<long> labels, long? nullClass, ReadOnlyMemory<float> embedding,
        ReadOnlyMemory<float> nullEmbedding, int embeddingSize)
    {
        Kind = kind;
        Labels = labels;
        NullClass = nullClass;
        Embedding = embedding;
        NullEmbedding = nullEmbedding;
        EmbeddingSize = embeddingSize;
    }

    /// <summary>No condition (unconditional models).</summary>
    public static Conditioning None { get; } = new(ConditioningKind.None, default, null, default, default, 0);

    /// <summary>Class labels, one per sample, and the model's null class when it has one.</summary>
    public static Conditioning Classes(ReadOnlyMemory<long> labels, long? nullClass = null) =>
        new(ConditioningKind.ClassLabel, labels, nullClass, default, default, 0);

    /// <summary>
    /// Embeddings of <paramref name="embeddingSize"/> values per sample, contiguous, and optionally the one unconditional
    /// embedding (<paramref name="embeddingSize"/> values) that guidance pairs with every sample.
    /// </summary>
    /// <exception cref="ArgumentException">The values are not whole embeddings.</exception>
    public static Conditioning Embeddings(ReadOnlyMemory<float> embedding, int embeddingSize, ReadOnlyMemory<float> nullEmbedding = default)
    {
        if (embeddingSize < 1 || embedding.Length % embeddingSize != 0)
            throw new ArgumentException($"{embedding.Length} embedding values are not whole embeddings of {embeddingSize}", nameof(embedding));
        if (!nullEmbedding.IsEmpty && nullEmbedding.Length != embeddingSize)
            throw new ArgumentException($"the unconditional embedding holds {nullEmbedding.Length} values: expected {embeddingSize}", nameof(nullEmbedding));
        return new(ConditioningKind.Embedding, default, null, embedding, nullEmbedding, embeddingSize);
    }

    /// <summary>Which kind of condition this is.</summary>
    public ConditioningKind Kind { get; }

    /// <summary>Class labels (kind <see cref="ConditioningKind.ClassLabel"/>), one per sample.</summary>
    public ReadOnlyMemory<long> Labels { get; }

    /// <summary>The label that means "no class", or null when the model has none.</summary>
    public long? NullClass { get; }

    /// <summary>Embeddings (kind <see cref="ConditioningKind.Embedding"/>), <see cref="EmbeddingSize"/> values per sample.</summary>
    public ReadOnlyMemory<float> Embedding { get; }

    /// <summary>The unconditional embedding, or empty.</summary>
    public ReadOnlyMemory<float> NullEmbedding { get; }

    /// <summary>Values per sample's embedding (0 unless kind is <see cref="ConditioningKind.Embedding"/>).</summary>
    public int EmbeddingSize { get; }

    /// <summary>Whether guidance can pair each sample with an unconditional counterpart.</summary>
    public bool HasNull => Kind switch
    {
        ConditioningKind.ClassLabel => NullClass is not null,
        ConditioningKind.Embedding => !NullEmbedding.IsEmpty,
        _ => false,
    };

    /// <summary>Samples this condition covers (null for <see cref="ConditioningKind.None"/>, which covers any number).</summary>
    public int? Count => Kind switch
    {
        ConditioningKind.ClassLabel => Labels.Length,
        ConditioningKind.Embedding => Embedding.Length / EmbeddingSize,
        _ => null,
    };
}

/// <summary>Turns the class labels of a batch into the condition the model takes (labels, prompt embeddings, or none).</summary>
public interface IConditioner
{
    /// <summary>The condition of a batch whose samples carry <paramref name="labels"/>.</summary>
    Conditioning ForLabels(ReadOnlyMemory<long> labels);
}

/// <summary>What a model takes as its condition: the kind, and for class labels the class count and the null class.</summary>
/// <param name="Kind">None, class labels or embeddings.</param>
/// <param name="NumClasses">Real classes (class-label models), else 0.</param>
/// <param name="NullClass">The "no class" label guidance pairs every sample with, or null when the model has none.</param>
public sealed record ConditioningSpec(ConditioningKind Kind, int NumClasses = 0, long? NullClass = null) : IConditioner
{
    /// <summary>An unconditional model.</summary>
    public static ConditioningSpec Unconditional { get; } = new(ConditioningKind.None);

    /// <summary>The condition of a batch whose samples carry <paramref name="labels"/>.</summary>
    /// <exception cref="NotSupportedException">The model takes embeddings, which labels cannot give.</exception>
    public Conditioning ForLabels(ReadOnlyMemory<long> labels) => Kind switch
    {
        ConditioningKind.None => Conditioning.None,
        ConditioningKind.ClassLabel => Conditioning.Classes(labels, NullClass),
        _ => throw new NotSupportedException("an embedding-conditioned model needs its prompt conditioner (class names and a template), not bare labels"),
    };
}
