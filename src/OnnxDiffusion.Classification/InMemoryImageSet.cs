using Microsoft.ML;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Classification;

/// <summary>An <see cref="ImageSet"/> over <see cref="LabeledImages"/>; pixels are scaled directly, no image decoding.</summary>
internal sealed class InMemoryImageSet : ImageSet
{
    private readonly LabeledImages _images;

    public InMemoryImageSet(LabeledImages images)
        : base(images.Source, images.Channels, images.Height, images.Width, images.ClassNames, images.Labels)
    {
        _images = images;
    }

    internal override LabeledImages Decode() => _images;

    internal override IEnumerable<FeatureRow> ReadFeatures(MLContext ml, PixelScaling scaling)
    {
        for (int i = 0; i < _images.Count; i++)
            yield return new FeatureRow { Features = Scale(_images.Image(i), scaling), Label = (uint)_images.Labels[i] };
    }

    private static float[] Scale(ReadOnlySpan<byte> pixels, PixelScaling scaling)
    {
        var features = new float[pixels.Length];
        for (int j = 0; j < pixels.Length; j++)
            features[j] = scaling.Apply(pixels[j]);
        return features;
    }
}
