import streamlit as st

st.title("Analogies")
st.info("Coming soon: Analogies (king − man + woman = queen), neighbours, similarity and the standard benchmarks.")
