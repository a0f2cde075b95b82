namespace OnnxDiffusion.Sampling;

/// <summary>
/// Between images and the samples the diffusion loop works on. Pixel models diffuse the image itself
/// (<see cref="PixelCodec"/>); latent models diffuse a VAE latent, so a reconstruction encodes its source first and
/// every finished sample is decoded. The sampler and its noise keys never know which: a latent is just another shape.
/// </summary>
public interface IImageCodec
{
    /// <summary>Values per image (C·H·W in the model's pixel range).</summary>
    int PixelCount { get; }

    /// <summary>Values per sample (C·H·W of what the U-Net takes).</summary>
    int SampleSize { get; }

    /// <summary>Whether images can be encoded (a latent pipeline without its VAE encoder can only generate).</summary>
    bool CanEncode { get; }

    /// <summary>Encodes <paramref name="count"/> images into samples.</summary>
    void Encode(ReadOnlySpan<float> images, int count, Span<float> samples);

    /// <summary>Decodes <paramref name="count"/> samples into images.</summary>
    void Decode(ReadOnlySpan<float> samples, int count, Span<float> images);
}

/// <summary>The codec of a pixel model: the sample is the image.</summary>
public sealed class PixelCodec(int pixelCount) : IImageCodec
{
    /// <inheritdoc />
    public int PixelCount { get; } = pixelCount;

    /// <inheritdoc />
    public int SampleSize => PixelCount;

    /// <inheritdoc />
    public bool CanEncode => true;

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<float> images, int count, Span<float> samples) => images[..(count * PixelCount)].CopyTo(samples);

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<float> samples, int count, Span<float> images) => samples[..(count * PixelCount)].CopyTo(images);
}
