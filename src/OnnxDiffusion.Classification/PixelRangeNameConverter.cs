using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Classification;

/// <summary>
/// Classifier options name their pixel range <c>"zero_to_one"</c> or <c>"minus_one_to_one"</c> (plan files and
/// results written so far do); any other range is <c>[low, high]</c>, as model folders write it.
/// </summary>
public sealed class PixelRangeNameConverter : JsonConverter<PixelRange>
{
    private const string ZeroToOne = "zero_to_one", MinusOneToOne = "minus_one_to_one";

    /// <inheritdoc />
    public override PixelRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return reader.GetString() switch
            {
                ZeroToOne => PixelRange.ZeroToOne,
                MinusOneToOne => PixelRange.MinusOneToOne,
                var other => throw new JsonException($"pixel_range '{other}': expected \"{ZeroToOne}\", \"{MinusOneToOne}\" or [low, high]"),
            };
        var pair = JsonSerializer.Deserialize<double[]>(ref reader, options);
        if (pair is not [var low, var high] || !(double.IsFinite(low) && double.IsFinite(high) && low < high))
            throw new JsonException("pixel_range: expected [low, high] with finite low < high");
        return new PixelRange(low, high);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, PixelRange value, JsonSerializerOptions options)
    {
        if (value == PixelRange.ZeroToOne)
        {
            writer.WriteStringValue(ZeroToOne);
        }
        else if (value == PixelRange.MinusOneToOne)
        {
            writer.WriteStringValue(MinusOneToOne);
        }
        else
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(value.Low);
            writer.WriteNumberValue(value.High);
            writer.WriteEndArray();
        }
    }
}
