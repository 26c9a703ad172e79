import streamlit as st

st.title("Predict")
st.info("Coming soon: Type text and watch a trained model's sentiment change live, with the words that drove it.")
