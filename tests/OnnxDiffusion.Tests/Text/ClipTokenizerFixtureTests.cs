using OnnxDiffusion.Text;

namespace OnnxDiffusion.Tests.Text;

/// <summary>
/// The fixture tokenizer (tests/fixtures/sd-tiny/pipeline/tokenizer) against the ids its make_fixtures.py prints from
/// an independent Python implementation of CLIP's BPE (README table there).
/// </summary>
public class ClipTokenizerFixtureTests
{
    private static ClipTokenizer Fixture() => ClipTokenizer.Load(RepoPaths.Combine(["tests", "fixtures", "sd-tiny", "pipeline", "tokenizer"]));

    [Theory]
    [InlineData("a photo of a circle", new[] { 320, 515, 516, 320, 521 })]
    [InlineData("A Photo of a SQUARE!", new[] { 320, 515, 516, 320, 526, 256 })]
    [InlineData("stripes", new[] { 532 })]
    [InlineData("", new int[0])]
    [InlineData("an image of blank stripes", new[] { 537, 541, 516, 536, 532 })]
    public void IdsMatchTheReferenceImplementation(string text, int[] expected) => Assert.Equal(expected, Fixture().Tokenize(text));

    [Fact]
    public void EncodeFramesWithStartEndAndPadsTo77()
    {
        var t = Fixture();
        Assert.Equal((542, 543, 543, 77), (t.BosId, t.EosId, t.PadId, t.MaxLength));
        var ids = t.Encode("stripes");
        Assert.Equal(77, ids.Length);
        Assert.Equal([542, 532, 543], ids[..3]);
        Assert.All(ids[3..], id => Assert.Equal(543, id));
    }
}
