/** A logistic regression over standardised features: z = bias + Σ weights·(x − mean)/scale. */
export interface LanguageModel {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** The learned key-point model (`model.ts`, written by `npm run train`). */
export interface KeyPointModel {
  /** What the model was fitted on: counts and a hash of the training items. */
  trainedOn: { articles: number; sentences: number; fingerprint: string };
  /** Feature names, in vector order, so a stale model is caught by a test. */
  features: string[];
  en: LanguageModel;
  zh: LanguageModel;
  /** Number of points ≈ intercept + slope · ln(usable sentences). */
  count: { intercept: number; slope: number };
}
