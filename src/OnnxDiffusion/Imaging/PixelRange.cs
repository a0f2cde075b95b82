namespace OnnxDiffusion.Imaging;

/// <summary>
/// The value range a model's pixels live in (normally [-1, 1]; some models use [0, 1]) and the exact maps between
/// 8-bit pixels and that range. Byte 0 is <see cref="Low"/>, byte 255 is <see cref="High"/>.
/// </summary>
public readonly struct PixelRange : IEquatable<PixelRange>
{
    // Pixels per unit of model range: 127.5 for [-1, 1]. Dividing by it and adding Low is, for [-1, 1], exactly the
    // arithmetic every earlier release used (b / 127.5f − 1f), so the embedded model's images stay byte-identical.
    private readonly float _scale;

    /// <summary>A range [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <exception cref="ArgumentException">Not finite, or low ≥ high.</exception>
    public PixelRange(double low, double high)
    {
        if (!(double.IsFinite(low) && double.IsFinite(high) && low < high))
            throw new ArgumentException($"pixel range [{low}, {high}]: expected finite low < high");
        Low = (float)low;
        High = (float)high;
        _scale = (float)(255.0 / (high - low));
    }

    /// <summary>[-1, 1], the range of diffusers' pixel models.</summary>
    public static PixelRange MinusOneToOne { get; } = new(-1, 1);

    /// <summary>[0, 1], plain p / 255.</summary>
    public static PixelRange ZeroToOne { get; } = new(0, 1);

    /// <summary>Model value of byte 0.</summary>
    public float Low { get; }

    /// <summary>Model value of byte 255.</summary>
    public float High { get; }

    /// <summary>Whether this is the default [-1, 1].</summary>
    public bool IsDefault => Low == -1f && High == 1f;

    /// <summary>A byte's model value.</summary>
    public float ToModel(byte b) => b / _scale + Low;

    /// <summary>A model value back to a byte (rounded, clamped).</summary>
    public byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round((v - Low) * _scale), 0, 255);

    /// <inheritdoc />
    public bool Equals(PixelRange other) => Low == other.Low && High == other.High;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PixelRange p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Low, High);

    /// <summary>Equality.</summary>
    public static bool operator ==(PixelRange a, PixelRange b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PixelRange a, PixelRange b) => !a.Equals(b);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"[{Low}, {High}]");
}
