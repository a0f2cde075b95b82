using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class MemorisationTests
{
    // Training images on a line at 0, 1, 3, 6, 10: nearest-other-neighbour gaps 1, 1, 2, 3, 4.
    private static FeatureSet Line => new([0, 1, 3, 6, 10], 1);

    [Fact]
    public void CopyLikeSamplesMatchAHandCount()
    {
        // 0.4: nearest 0 at 0.4 < gap 1 → copy-like (ratio 0.4). 2.5: nearest 3 at 0.5 < 2 → copy-like (0.25).
        // −2: nearest 0 at 2 > 1 → not (2). 14: nearest 10 at 4, gap 4: not strictly inside → not (1). 12.5: 2.5 < 4 → copy-like (0.625).
        var r = new MemorisationReference(Line).Compute(new FeatureSet([0.4f, 2.5f, -2, 14, 12.5f], 1));
        Assert.Equal(3 / 5.0, r.CopyShare, 12);
        Assert.Equal(0.625, r.MedianDistanceRatio, 6);
        Assert.Equal(5, r.Pool);
    }

    [Fact]
    public void TrainingImagesLeftOutOfTheirOwnTestMatchAHandCount()
    {
        // Each training image against the other four, its neighbour's gap measured without it too:
        // 0 → nearest 1 (1); 1's gap without 0 is 2 (to 3): 1 < 2, copy-like. 1 → nearest 0 (1); 0's gap without 1 is 3: copy-like.
        // 3 → nearest 1 (2); 1's gap is 1: not. 6 → nearest 3 (3); 3's gap 2: not. 10 → nearest 6 (4); 6's gap 3: not.
        var reference = new MemorisationReference(Line);
        var r = reference.Compute(Line, [0, 1, 2, 3, 4]);
        Assert.Equal(2 / 5.0, r.CopyShare, 12);
        // Without leaving them out each finds itself at distance 0: all copies.
        Assert.Equal(1.0, reference.Compute(Line).CopyShare);
    }

    [Fact]
    public void HandMadeRowsMatchTheFloat64Reference()
    {
        // tests/fixtures/metrics-reference/kid_vendi_reference.py: copy(Y | X) and copy(X | X, leave-one-out).
        var reference = new MemorisationReference(HandMadeRows.X);
        var y = reference.Compute(HandMadeRows.Y);
        Assert.Equal(8.333333333333334e-01, y.CopyShare, 12);
        Assert.Equal(4.071683993431379e-01, y.MedianDistanceRatio, HandMadeRows.Tolerance);
        var x = reference.Compute(HandMadeRows.X, [0, 1, 2, 3, 4, 5]);
        Assert.Equal(6.666666666666666e-01, x.CopyShare, 12);
        Assert.Equal(9.076056131221572e-01, x.MedianDistanceRatio, HandMadeRows.Tolerance);
    }

    [Fact]
    public void ExactCopiesReadOneAndAFarSetZero()
    {
        // Strength 0: the reconstructions are their sources, pixel for pixel, so feature for feature.
        var train = new FeatureSet(PrdcTests.Gaussian(2100, 6, 11), 6);
        var reference = new MemorisationReference(train);
        var picked = Enumerable.Range(0, 300).Select(i => i * 7).ToArray();
        var copies = reference.Compute(train.Subset(picked));
        Assert.Equal(1.0, copies.CopyShare);
        Assert.Equal(0.0, copies.MedianDistanceRatio);
        var far = new FeatureSet(PrdcTests.Gaussian(200, 6, 12).Select(v => v + 50f).ToArray(), 6);
        Assert.Equal(0.0, reference.Compute(far).CopyShare);
    }

    [Fact]
    public void ShareMatchesABruteForceFloat64Search()
    {
        // 2,100 training rows cross the scan's pool block; the samples mix near-copies (a training row plus small noise)
        // with fresh draws, so the share sits well inside (0, 1).
        const int d = 8;
        var trainValues = PrdcTests.Gaussian(2100, d, 21);
        var fresh = PrdcTests.Gaussian(150, d, 22);
        var noise = PrdcTests.Gaussian(150, d, 23, scale: 0.05);
        var samples = new float[300 * d];
        for (int i = 0; i < 150; i++)
            for (int c = 0; c < d; c++)
                samples[i * d + c] = trainValues[(i * 13) * d + c] + noise[i * d + c];
        Array.Copy(fresh, 0, samples, 150 * d, 150 * d);
        var train = new FeatureSet(trainValues, d);
        var got = new MemorisationReference(train).Compute(new FeatureSet(samples, d));

        double Sq(float[] a, int i, float[] b, int j)
        {
            double s = 0;
            for (int c = 0; c < d; c++)
                s += ((double)a[i * d + c] - b[j * d + c]) * ((double)a[i * d + c] - b[j * d + c]);
            return s;
        }
        int copies = 0;
        for (int i = 0; i < 300; i++)
        {
            int r = Enumerable.Range(0, 2100).MinBy(j => Sq(samples, i, trainValues, j));
            double gap = Enumerable.Range(0, 2100).Where(j => j != r).Min(j => Sq(trainValues, r, trainValues, j));
            if (Sq(samples, i, trainValues, r) < gap)
                copies++;
        }
        Assert.InRange(copies, 100, 250);
        Assert.Equal(copies / 300.0, got.CopyShare, 12);
    }
}
